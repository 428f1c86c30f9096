using System.Net;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary>What only a Go-shaped server does to the client: its 403 code, its cursorless answers.</summary>
public sealed class StrictServerClientTests
{
    [Fact]
    public async Task A_403_with_code_internal_error_is_a_refusal_by_its_status_and_the_queue_is_kept()
    {
        await using var server = await StrictServer.StartAsync();
        await using var client = Clients.Create(server, scope: StrictServer.ForbiddenScope, live: false, configure: o => o.AutomaticSync = false);
        await client.StartAsync();
        client.Db().Todos.Create(new Todo("a", "x", false));

        var error = await Assert.ThrowsAsync<SyncException>(() => client.SyncAsync());

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        var reported = client.LastError.Get()!;
        Assert.Equal(SyncErrorKind.Refused, reported.Kind);
        Assert.Equal(HttpStatusCode.Forbidden, reported.StatusCode);
        Assert.Equal(1, client.PendingCount.Get());
        server.AssertNothingRefused();
    }

    [Fact]
    public async Task A_client_that_only_pulls_stays_at_its_cursor_on_empty_pages_without_errors()
    {
        await using var server = await StrictServer.StartAsync();
        await using var writer = Clients.Create(server, scope: "user:2", live: false, configure: o => o.AutomaticSync = false);
        await using var idle = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await writer.StartAsync();
        await idle.StartAsync();
        writer.Db().Todos.Create(new Todo("elsewhere", "x", false));
        await writer.SyncAsync();

        for (var i = 0; i < 3; i++)
        {
            await idle.SyncAsync(); // before the fix: "the page goes backwards from N to 0", and a backoff
        }

        Assert.Null(idle.LastError.Get());
        Assert.True(idle.Online.Get());
        Assert.Equal(1UL, idle.Cursor); // from the snapshot; the scope's empty pages leave it there
        server.AssertNothingRefused();
    }
}
