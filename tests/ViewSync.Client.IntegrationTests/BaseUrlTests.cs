using System.Net;
using TodoSample;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary>A base URL without the sync prefix is a common mistake: the error says which URL answered 404 and what was expected.</summary>
public sealed class BaseUrlTests
{
    [Fact]
    public async Task A_base_url_without_the_sync_path_names_the_url_tried_and_the_expected_prefix()
    {
        await using var server = await ServerHost.StartAsync(); // maps the sync endpoints under /_sync
        await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = server.Root, // http://127.0.0.1:PORT/, without _sync/
            Scope = "user:1",
            AutomaticSync = false,
        });
        await client.StartAsync();

        var error = await Assert.ThrowsAsync<SyncException>(() => client.SyncAsync());

        Assert.Equal(SyncErrorKind.Refused, error.Kind);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        var root = server.Root.AbsoluteUri; // ends with '/'
        Assert.Contains($"POST {root}snapshot answered 404", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing the sync path", error.Message, StringComparison.Ordinal);
        Assert.Contains($"e.g. {root}_sync/", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, client.LastError.Get()?.Message);
    }
}
