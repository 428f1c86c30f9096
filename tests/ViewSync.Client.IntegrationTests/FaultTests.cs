using System.Text.Json;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary>The client through a faulty proxy in front of the real server: nothing lost, nothing applied twice.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private ServerHost _server = null!;
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerHost.StartAsync();
        _proxy = await FaultProxy.StartAsync(_server.Root);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    private SyncClient Client(Action<SyncClientOptions>? configure = null) =>
        Clients.Create(_server, live: false, configure: o =>
        {
            o.BaseUrl = _proxy.BaseUrl;
            configure?.Invoke(o);
        });

    private async Task<int> ServerTodoCountAsync() =>
        (await _server.Engine.SnapshotAsync("user:1")).Data.TryGetValue("todo", out var todos) ? todos.Count : 0;

    [Fact]
    public async Task Server_errors_are_retried_until_the_push_succeeds_once()
    {
        await using var client = Client();
        var errors = new List<SyncError>();
        client.Error += (_, e) => { lock (errors) { errors.Add(e.Error); } };
        _proxy.Inject("snapshot", Fault.Answer(500, """{"code":"internal_error","error":"boom"}"""));
        _proxy.Inject("snapshot", Fault.Answer(503, "oops"));
        await client.StartAsync();

        client.Db().Todos.Create(new Todo("a", "Milk", false));

        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0, "the mutation is confirmed");
        Assert.Equal(1, await ServerTodoCountAsync());
        lock (errors)
        {
            Assert.Contains(errors, e => e.Kind == SyncErrorKind.Server);
        }
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        await using var client = Client();
        _proxy.Inject("snapshot", Fault.Answer(429, """{"code":"rate_limited","error":"slow down"}""") with { Headers = new() { ["Retry-After"] = "1" } });
        await client.StartAsync();

        await Eventually.TrueAsync(() => _proxy.Count("snapshot") >= 2, "the snapshot is retried");
        var times = _proxy.Requests.Where(r => r.Endpoint == "snapshot").Select(r => r.Time).ToList();

        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(950), $"retried after {(times[1] - times[0]).TotalMilliseconds} ms");
    }

    [Theory]
    [MemberData(nameof(TestServers.Kinds), MemberType = typeof(TestServers))]
    public async Task A_push_whose_answer_is_lost_after_the_server_applied_it_is_replayed_and_applied_once(ServerKind kind)
    {
        // The project's server answers a replay with the first cursor; the strict one, as Go, with the scope's current one.
        await using var server = await TestServers.StartAsync(kind);
        await using var proxy = await FaultProxy.StartAsync(server.Root);
        await using var client = Clients.Create(server, live: false, configure: o => o.BaseUrl = proxy.BaseUrl);
        await using var other = Clients.Create(server, live: false);
        await client.StartAsync();
        await other.StartAsync();
        await Eventually.TrueAsync(() => client.LastSyncTime.Get() is not null, "the first sync completes");
        proxy.Inject("push", Fault.DropAnswerAfterForwarding());
        var db = client.Db();

        db.Todos.Create(new Todo("a", "Milk", false));
        db.Mutate.Toggle("a");
        await Eventually.TrueAsync(() => proxy.Count("push") >= 1, "the first push reached the server");
        other.Db().Todos.Create(new Todo("b", "from another client", false)); // moves the scope on before the replay

        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0 && other.PendingCount.Get() == 0, "every mutation is confirmed");
        Assert.True(proxy.Count("push") >= 2, "the push was retried");
        var todos = await server.EntitiesAsync("user:1", "todo");
        Assert.True(JsonDocument.Parse(todos["a"]).RootElement.GetProperty("done").GetBoolean()); // toggled exactly once
        Assert.Equal(3UL, await server.SnapshotCursorAsync("user:1")); // three changes: nothing applied twice
        await Eventually.TrueAsync(() => db.Todos.Get("b").Exists() && db.Todos.Get("a").Get()!.Done, "the client sees both");
        server.AssertNothingRefused();
    }

    [Theory]
    [InlineData("""{"changes": [{"cursor": 1, "sco""")]
    [InlineData("""{"changes": "none", "has_more": false, "next_cursor": 1}""")]
    [InlineData("""{"changes": [], "has_more": false, "next_cursor": 0}""")]
    public async Task Malformed_pull_answers_are_reported_and_the_state_stays_intact(string body)
    {
        await using var client = Client();
        await client.StartAsync();
        var db = client.Db();
        db.Todos.Create(new Todo("a", "Milk", false));
        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0, "the todo is confirmed");
        var errors = new List<SyncError>();
        client.Error += (_, e) => { lock (errors) { errors.Add(e.Error); } };
        var cursor = client.Cursor;

        _proxy.Inject("pull", Fault.Answer(200, body.Replace("\"next_cursor\": 0", $"\"next_cursor\": {cursor - 1}", StringComparison.Ordinal)));
        db.Mutate.Rename("a", "Oat milk");

        await Eventually.TrueAsync(() => { lock (errors) { return errors.Any(e => e.Kind == SyncErrorKind.MalformedResponse); } }, "the bad answer is reported");
        Assert.Equal("Oat milk", db.Todos.Get("a").Get()!.Title); // the optimistic value is untouched
        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0 && client.LastError.Get() is null, "the loop recovers");
        Assert.Equal("Oat milk", db.Todos.Get("a").Get()!.Title);
    }

    [Fact]
    public async Task A_410_on_pull_makes_the_client_take_a_snapshot()
    {
        await using var other = Clients.Create(_server, live: false);
        await other.StartAsync();
        other.Db().Todos.Create(new Todo("from-other", "x", false));
        await Eventually.TrueAsync(() => other.PendingCount.Get() == 0, "the other client's todo is on the server");
        await using var client = Client(o => o.PullInterval = TimeSpan.FromHours(1));
        await client.StartAsync();
        await Eventually.TrueAsync(() => client.LastSyncTime.Get() is not null, "the first sync completes");
        var snapshots = _proxy.Count("snapshot");

        _proxy.Inject("pull", Fault.Answer(410, """{"code":"cursor_too_old","error":"trimmed"}"""));
        other.Db().Todos.Create(new Todo("later", "y", false));
        await Eventually.TrueAsync(() => other.PendingCount.Get() == 0, "the later todo is on the server");
        await client.SyncAsync();

        Assert.Equal(snapshots + 1, _proxy.Count("snapshot"));
        Assert.True(client.Db().Todos.Get("later").Exists());
    }

    [Fact]
    public async Task A_403_is_reported_and_not_retried_in_a_hot_loop()
    {
        await using var client = Client(o => o.MaxRetryDelay = TimeSpan.FromSeconds(2));
        for (var i = 0; i < 50; i++)
        {
            _proxy.Inject("snapshot", Fault.Answer(403, """{"code":"forbidden","error":"Scope 'user:1' is not yours."}"""));
        }

        var refused = new TaskCompletionSource<SyncError>();
        client.Error += (_, e) => { if (e.Error.Kind == SyncErrorKind.Refused) { refused.TrySetResult(e.Error); } };
        await client.StartAsync();
        var error = await refused.Task.WaitAsync(TimeSpan.FromSeconds(10));
        client.Db().Todos.Create(new Todo("a", "x", false)); // a local write does not trigger a hot retry
        client.Db().Todos.Create(new Todo("b", "x", false));
        await Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("forbidden", error.Code);
        Assert.True(_proxy.Count("snapshot") <= 2, $"{_proxy.Count("snapshot")} attempts in about a second");
        Assert.Equal(2, client.PendingCount.Get()); // kept, to push once allowed
    }
}
