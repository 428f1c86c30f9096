using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Persistence;
using ViewSync.Protocol;
using ViewSync.Server.Tests.Support;
using ViewSync.Transport;

namespace ViewSync.Client.IntegrationTests;

/// <summary>
/// The sync loop cannot wedge: batches fit the server's caps, one bad mutation cannot hold the queue,
/// a failed push does not stop pulls, and a retry backoff does not hold back the next edit.
/// </summary>
public sealed class SyncLoopTests
{
    [Theory]
    [MemberData(nameof(TestServers.Kinds), MemberType = typeof(TestServers))]
    public async Task Thirty_large_todos_go_out_in_batches_that_fit_the_servers_one_MiB_cap(ServerKind kind)
    {
        await using var server = await TestServers.StartAsync(kind);
        var errors = new List<SyncError>();
        await using var client = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        client.Error += (_, e) => { lock (errors) { errors.Add(e.Error); } };
        await client.StartAsync();

        for (var i = 0; i < 30; i++)
        {
            client.Db().Todos.Create(new Todo($"big{i}", new string((char)('a' + (i % 26)), 40_000), false));
        }

        await client.SyncAsync();

        Assert.Equal(0, client.PendingCount.Get());
        Assert.Equal(30, (await server.EntitiesAsync("user:1", "todo")).Count);
        Assert.Empty(errors);
        server.AssertNothingRefused();
    }

    [Fact]
    public async Task A_mutation_that_could_never_fit_a_batch_is_refused_where_it_is_made()
    {
        await using var server = await ServerHost.StartAsync();
        await using var client = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await client.StartAsync();

        var error = Assert.Throws<MutationTooLargeException>(() => client.Db().Todos.Create(new Todo("huge", new string('x', 1_200_000), false)));

        Assert.Equal("todo.create", error.Name);
        Assert.True(error.Size > error.Limit);
        Assert.Contains("MaxBatchBytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(client.Replica.Pending());
        Assert.False(client.Store.Contains("todo", "huge"));
    }

    [Fact]
    public async Task A_batch_refused_whole_is_bisected_and_only_the_poison_mutation_is_rejected()
    {
        await using var server = await ServerHost.StartAsync();
        await using var proxy = await FaultProxy.StartAsync(server.Root);
        await using var client = Clients.Create(server, live: false, configure: o =>
        {
            o.BaseUrl = proxy.BaseUrl;
            o.AutomaticSync = false;
        });
        var rejected = new List<MutationRejectedEventArgs>();
        client.MutationRejected += (_, e) => rejected.Add(e);
        await client.StartAsync();
        client.Db().Todos.Create(new Todo("first", "accepted before", false));
        await client.SyncAsync(); // the server has shown it takes this client's pushes

        proxy.AnswerWhile("push", body => body.Contains("poison", StringComparison.Ordinal), Fault.Answer(400, """{"code":"invalid_mutation","error":"sync: invalid mutation"}"""));
        foreach (var id in new[] { "a", "b", "poison", "c", "d" })
        {
            client.Db().Todos.Create(new Todo(id, id, false));
        }

        await client.SyncAsync();

        var rejection = Assert.Single(rejected);
        Assert.Equal("todo.create", rejection.Mutation.Name);
        Assert.Contains("poison", rejection.Mutation.Args.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.InvalidMutation, rejection.Code);
        Assert.Equal(["a", "b", "c", "d", "first"], (await server.Engine.SnapshotAsync("user:1")).Data["todo"].Keys.Order(StringComparer.Ordinal));
        Assert.False(client.Store.Contains("todo", "poison"));
        Assert.Equal(0, client.PendingCount.Get());
    }

    [Fact]
    public async Task A_server_that_refuses_every_push_cannot_make_the_client_drop_its_queue_and_pulls_go_on()
    {
        await using var server = await ServerHost.StartAsync();
        await using var proxy = await FaultProxy.StartAsync(server.Root);
        proxy.AnswerWhile("push", _ => true, Fault.Answer(400, """{"code":"invalid_mutation","error":"unknown field \"client\""}"""));
        await using var client = Clients.Create(server, live: false, configure: o =>
        {
            o.BaseUrl = proxy.BaseUrl;
            o.AutomaticSync = false;
        });
        var rejected = 0;
        client.MutationRejected += (_, _) => rejected++;
        await client.StartAsync();
        await using var other = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await other.StartAsync();

        client.Db().Todos.Create(new Todo("mine", "waits", false));
        client.Db().Todos.Create(new Todo("mine2", "waits too", false));
        other.Db().Todos.Create(new Todo("theirs", "arrives anyway", false));
        await other.SyncAsync();
        var failure = await Assert.ThrowsAsync<SyncException>(() => client.SyncAsync());

        Assert.Contains("push", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, rejected);
        Assert.Equal(2, client.PendingCount.Get()); // kept, not rejected one by one
        Assert.Equal("arrives anyway", client.Db().Todos.Get("theirs").Get()?.Title); // the pull still ran

        proxy.StopAnswering("push");
        await client.SyncAsync();
        Assert.Equal(0, client.PendingCount.Get());
    }

    [Fact]
    public async Task A_local_write_during_a_long_backoff_is_pushed_without_waiting_for_it()
    {
        await using var server = await ServerHost.StartAsync();
        await using var proxy = await FaultProxy.StartAsync(server.Root);
        proxy.AnswerWhile("snapshot", _ => true, Fault.Answer(503, """{"code":"internal_error","error":"down for maintenance"}"""));
        await using var client = Clients.Create(server, live: false, configure: o =>
        {
            o.BaseUrl = proxy.BaseUrl;
            o.PushInterval = TimeSpan.FromMilliseconds(50);
            o.MaxRetryDelay = TimeSpan.FromMinutes(5);
            o.PullInterval = TimeSpan.FromMinutes(5);
        });
        await client.StartAsync();
        await Eventually.TrueAsync(() => proxy.Count("snapshot") >= 9, "the client backs off through several failures");
        proxy.StopAnswering("snapshot"); // the server is back, but the next retry is a minute or more away

        client.Db().Todos.Create(new Todo("now", "pushed at once", false));

        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0, "the edit reaches the server well before the backoff ends", TimeSpan.FromSeconds(5));
        Assert.Contains("now", (await server.Engine.SnapshotAsync("user:1")).Data["todo"].Keys);
    }

    [Fact]
    public async Task A_push_answered_ok_without_a_cursor_is_confirmed_once_a_pull_reaches_the_head()
    {
        await using var server = await ServerHost.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(server.Root, "_sync/") };
        await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            Transport = new CursorlessPushes(new RefitSyncTransport(http)),
            Scope = "user:1",
            AutomaticSync = false,
        });
        await client.StartAsync();
        var titles = new List<string?>();
        using var effect = new Effect(() => titles.Add(client.Db().Todos.Get("a").Get()?.Title));

        client.Db().Todos.Create(new Todo("a", "Milk", false));
        await client.SyncAsync();

        Assert.Equal(0, client.PendingCount.Get());
        Assert.Equal([null, "Milk"], titles); // confirmed without a flicker
        Assert.Equal((await server.Engine.SnapshotAsync("user:1")).Cursor, client.Cursor);
        http.Dispose();
    }

    [Fact]
    public async Task Mutations_made_before_StartAsync_are_kept_recorded_and_pushed()
    {
        await using var server = await ServerHost.StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), "viewsync-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var early = Clients.Create(server, live: false, persistence: new FilePersistence(directory), configure: o => o.AutomaticSync = false))
            {
                early.Db().Todos.Create(new Todo("early", "made before start", false));
                await early.StartAsync();
                early.Db().Todos.Create(new Todo("later", "made after start", false));
                Assert.Equal(2, early.PendingCount.Get());
            }

            await using var restarted = Clients.Create(server, live: false, persistence: new FilePersistence(directory), configure: o => o.AutomaticSync = false);
            await restarted.StartAsync();
            Assert.Equal(["todo.create", "todo.create"], restarted.Replica.Pending().Select(m => m.Name));
            Assert.True(restarted.Store.Contains("todo", "early"));
            await restarted.SyncAsync();
            Assert.Equal(["early", "later"], (await server.Engine.SnapshotAsync("user:1")).Data["todo"].Keys.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_snapshot_far_larger_than_the_answer_limit_streams_in_entity_by_entity()
    {
        await using var server = await ServerHost.StartAsync();
        await using (var writer = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false))
        {
            await writer.StartAsync();
            for (var i = 0; i < 2000; i++)
            {
                writer.Db().Todos.Create(new Todo($"t{i:D4}", new string('s', 2500), false));
            }

            await writer.SyncAsync();
        }

        // 5 MB of entities, read with a 64 KiB limit: it applies to each entity, not to the snapshot.
        await using var reader = Clients.Create(server, live: false, configure: o =>
        {
            o.AutomaticSync = false;
            o.MaxResponseBytes = 64 * 1024;
        });
        await reader.StartAsync();
        await reader.SyncAsync();

        Assert.Equal(2000, reader.Store.Count("todo"));
        Assert.Equal((await server.Engine.SnapshotAsync("user:1")).Cursor, reader.Cursor);
    }

    /// <summary>A transport wrapper that drops the cursor from every <c>ok</c> push result, as the Go engine does for cursor 0.</summary>
    private sealed class CursorlessPushes(ISyncTransport inner) : ISyncTransport
    {
        public async Task<TransportResult<PushResponse>> PushAsync(PushRequest request, CancellationToken cancellationToken)
        {
            var result = await inner.PushAsync(request, cancellationToken);
            return result.IsSuccess
                ? result with { Value = new PushResponse { Results = [.. result.Value!.Results.Select(r => r with { Cursor = null })] } }
                : result;
        }

        public Task<TransportResult<PullPage>> PullAsync(PullRequest request, CancellationToken cancellationToken) => inner.PullAsync(request, cancellationToken);

        public Task<TransportResult<SnapshotSummary>> SnapshotAsync(SnapshotRequest request, ISnapshotSink sink, CancellationToken cancellationToken) => inner.SnapshotAsync(request, sink, cancellationToken);
    }
}
