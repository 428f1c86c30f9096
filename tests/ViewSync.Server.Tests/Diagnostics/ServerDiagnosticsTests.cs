using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ViewSync.Server.Engine;
using ViewSync.Server.Tests.Support;
using D = ViewSync.Server.ViewSyncServerDiagnostics;

namespace ViewSync.Server.Tests.Diagnostics;

/// <summary>The server's meter and activity source, read with <see cref="MeterListener"/> and <see cref="ActivityListener"/> after real requests to the real server.</summary>
public sealed class ServerDiagnosticsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static string Create(string id, string scope = "user:1") =>
        $$$$"""{"id":"{{{{id}}}}","name":"todo.create","scope":"{{{{scope}}}}","args":{"id":"{{{{id}}}}","data":{"id":"{{{{id}}}}","title":"title {{{{id}}}}","done":false}}}""";

    private static string Push(params string[] mutations) => $$"""{"mutations":[{{string.Join(",", mutations)}}]}""";

    private static MetricRecorder Metrics(ServerHost server) =>
        new(server.Services.GetRequiredService<IMeterFactory>(), D.MeterName);

    [Fact]
    public async Task A_push_counts_applied_and_rejected_mutations_by_code_and_is_traced()
    {
        await using var server = await ServerHost.StartAsync();
        using var metrics = Metrics(server);
        using var activities = new ActivityRecorder(D.ActivitySourceName);

        var (status, _) = await server.PostAsync("push", Push(
            Create("a"),
            Create("b"),
            """{"id":"m3","name":"todo.nope","scope":"user:1","args":{}}""",
            """{"id":"m4","name":"todo.toggle","scope":"user:1","args":{"id":"missing"}}"""));

        Assert.Equal(200, status);
        Assert.Equal(2, metrics.Sum(D.MutationsApplied));
        var rejected = metrics.Of(D.MutationsRejected);
        Assert.Equal(2, rejected.Sum(m => m.Value));
        Assert.Equal(["conflict", "invalid_mutation"], rejected.Select(m => (string)m.Tags[D.ErrorCodeTag]!).Order());
        var duration = Assert.Single(metrics.Of(D.PushDuration));
        Assert.InRange(duration.Value, 0, 30);
        Assert.Equal(200, duration.Tags["http.response.status_code"]);

        var push = Assert.Single(activities.Named("viewsync.push"));
        Assert.Equal(4, push.GetTagItem(D.MutationCountTag));
        Assert.Equal(2, push.GetTagItem(D.RejectedCountTag));
        Assert.Equal(200, push.GetTagItem("http.response.status_code"));
        Assert.DoesNotContain(push.TagObjects, t => t.Value is string s && s.Contains("user:1", StringComparison.Ordinal)); // scopes name users
        Assert.Equal(2UL, (ulong)metrics.Observe(D.LogHead));
    }

    [Fact]
    public async Task A_pull_records_its_page_size_duration_and_head()
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostAsync("push", Push(Create("a"), Create("b"), Create("c")));
        using var metrics = Metrics(server);
        using var activities = new ActivityRecorder(D.ActivitySourceName);

        var (status, body) = await server.PostAsync("pull", """{"scope":"user:1","cursor":0,"limit":2}""");

        Assert.Equal(200, status);
        using var page = JsonDocument.Parse(body);
        var changes = page.RootElement.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(2, Assert.Single(metrics.Of(D.PullEntries)).Value);
        // The stored values are written out as they are: their bytes are the page's entity bytes.
        Assert.Equal(changes.Sum(c => c.GetProperty("data").GetProperty("value").GetRawText().Length), Assert.Single(metrics.Of(D.PullBytes)).Value);
        Assert.Equal(200, Assert.Single(metrics.Of(D.PullDuration)).Tags["http.response.status_code"]);
        Assert.Equal(3UL, (ulong)metrics.Observe(D.LogHead));

        var pull = Assert.Single(activities.Named("viewsync.pull"));
        Assert.Equal(0UL, pull.GetTagItem(D.CursorTag));
        Assert.Equal(2, pull.GetTagItem(D.EntriesTag));
        Assert.Equal(true, pull.GetTagItem(D.HasMoreTag));
        Assert.Equal(2UL, pull.GetTagItem(D.NextCursorTag));
    }

    [Fact]
    public async Task A_refused_pull_is_timed_with_its_status()
    {
        await using var server = await ServerHost.StartAsync(o => o.Retention = TimeSpan.Zero);
        await server.PostAsync("push", Push(Create("a"), Create("b")));
        using var metrics = Metrics(server);
        var removed = await ((SyncEngine)server.Engine).TrimAsync();

        var (status, _) = await server.PostAsync("pull", """{"scope":"user:1","cursor":0}""");

        Assert.Equal(2, removed);
        Assert.Equal(2, metrics.Sum(D.LogTrimmed));
        Assert.Equal(410, status);
        Assert.Equal(410, Assert.Single(metrics.Of(D.PullDuration)).Tags["http.response.status_code"]);
    }

    [Fact]
    public async Task A_snapshot_is_timed_and_traced_with_its_cursor()
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostAsync("push", Push(Create("a"), Create("b")));
        using var metrics = Metrics(server);
        using var activities = new ActivityRecorder(D.ActivitySourceName);

        var (status, _) = await server.PostAsync("snapshot", """{"scope":"user:1"}""");

        Assert.Equal(200, status);
        Assert.Equal(200, Assert.Single(metrics.Of(D.SnapshotDuration)).Tags["http.response.status_code"]);
        Assert.Equal(2UL, Assert.Single(activities.Named("viewsync.snapshot")).GetTagItem(D.NextCursorTag));
    }

    [Fact]
    public async Task Live_sessions_go_up_on_connect_and_down_on_close()
    {
        await using var server = await ServerHost.StartAsync();
        using var metrics = Metrics(server);

        using var first = new ClientWebSocket();
        await first.ConnectAsync(server.LiveUri("user:1"), CancellationToken.None);
        using var second = new ClientWebSocket();
        await second.ConnectAsync(server.LiveUri("user:2"), CancellationToken.None);
        await Eventually(() => metrics.Sum(D.LiveSessions) == 2);

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await Eventually(() => metrics.Sum(D.LiveSessions) == 1);
        second.Abort();
        await Eventually(() => metrics.Sum(D.LiveSessions) == 0);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Timeout, "the condition did not hold within the timeout");
            await Task.Delay(10);
        }
    }
}
