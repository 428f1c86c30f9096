using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Server;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary>Issue 12: live URLs work as http(s) and under a path base.</summary>
public sealed class LiveUrlTests
{
    [Theory]
    [InlineData(false)] // derived from the base URL, keeping its path base
    [InlineData(true)] // given as an http URL
    public async Task Live_notifications_arrive_under_a_path_base_and_through_an_http_live_url(bool httpLiveUrl)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddViewSyncServer(o => o.AllowAnyScopeForDevelopment().Mutators = TodoDb.Mutators);
        await using var app = builder.Build();
        app.MapViewSync("/app/_sync");
        app.MapViewSyncLive("/app/_live"); // nothing answers at /_live
        var root = await app.StartOnLoopbackAsync();

        SyncClient Client() => new(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = new Uri(root, "app/_sync/"),
            Scope = "user:1",
            Live = new LiveOptions { ReconnectDelay = TimeSpan.FromMilliseconds(100), Url = httpLiveUrl ? new Uri(root, "app/_live") : null },
            PullInterval = TimeSpan.FromHours(1), // only the live connection can make B pull in time
            PushInterval = TimeSpan.FromMilliseconds(100),
        });
        await using var a = Client();
        await using var b = Client();
        await a.StartAsync();
        await b.StartAsync();
        await Eventually.TrueAsync(() => a.LastSyncTime.Get() is not null && b.LastSyncTime.Get() is not null, "both have synced once");

        new TodoDb(a).Todos.Create(new Todo("t", "from A", false));

        await Eventually.TrueAsync(() => new TodoDb(b).Todos.Get("t").Exists(), "B pulled because of its live connection");
    }
}
