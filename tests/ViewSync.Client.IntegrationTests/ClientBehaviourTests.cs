using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Persistence;
using ViewSync.Runtime.Tests.Support;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

public sealed class ClientBehaviourTests
{
    [Fact]
    public async Task Remote_changes_reach_the_graph_on_the_configured_ui_thread()
    {
        await using var server = await ServerHost.StartAsync();
        using var ui = new SingleThreadSynchronizationContext();
        await using var writer = Clients.Create(server);
        await using var viewer = Clients.Create(server, configure: o => o.SynchronizationContext = ui);
        await writer.StartAsync();
        await viewer.StartAsync();
        var threads = new List<int>();
        Effect? effect = null;
        await ui.InvokeAsync(() => effect = new Effect(() =>
        {
            if (viewer.Db().Todos.Get("t").Exists())
            {
                lock (threads)
                {
                    threads.Add(Environment.CurrentManagedThreadId);
                }
            }
        }, ui));

        writer.Db().Todos.Create(new Todo("t", "x", false));

        await Eventually.TrueAsync(() => { lock (threads) { return threads.Count > 0; } }, "the viewer's effect sees the remote todo");
        lock (threads)
        {
            Assert.All(threads, id => Assert.Equal(ui.ThreadId, id));
        }

        await ui.InvokeAsync(() => effect!.Dispose());
        Assert.Empty(ui.Unhandled);
    }

    [Fact]
    public async Task A_mutation_that_cannot_be_recorded_is_refused_where_it_is_made_and_nothing_else_is_lost()
    {
        await using var server = await ServerHost.StartAsync();
        var persistence = new FailingPersistence();
        await using var client = Clients.Create(server, live: false, persistence: persistence, configure: o => o.AutomaticSync = false);
        await client.StartAsync();
        persistence.FailNextAppends(1);

        var error = Assert.Throws<IOException>(() => client.Db().Todos.Create(new Todo("full", "Disk is full", false)));
        client.Db().Todos.Create(new Todo("fine", "Saved", false));

        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.False(client.Store.Contains("todo", "full")); // never shown, so never taken back
        await client.SyncAsync();
        Assert.Equal(0, client.PendingCount.Get());
        var snapshot = await server.Engine.SnapshotAsync("user:1");
        Assert.Equal(["fine"], snapshot.Data["todo"].Keys);
        await client.StopAsync();
    }

    [Fact]
    public async Task A_page_that_cannot_be_recorded_is_not_applied_and_the_next_cycle_catches_up()
    {
        await using var server = await ServerHost.StartAsync();
        await using var writer = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await writer.StartAsync();
        writer.Db().Todos.Create(new Todo("a", "From the other client", false));
        await writer.SyncAsync();

        var persistence = new FailingPersistence();
        var errors = new List<SyncError>();
        await using (var client = Clients.Create(server, live: false, persistence: persistence, configure: o => o.AutomaticSync = false))
        {
            client.Error += (_, e) => { lock (errors) { errors.Add(e.Error); } };
            await client.StartAsync();
            await client.SyncAsync(); // snapshot at the writer's state
            var before = client.Cursor;
            writer.Db().Mutate.Rename("a", "Renamed");
            await writer.SyncAsync();

            persistence.FailNextAppends(1);
            await Assert.ThrowsAsync<SyncException>(() => client.SyncAsync());

            // Rule 1: the cursor did not move past state that was not kept.
            Assert.Equal(before, client.Cursor);
            Assert.Equal("From the other client", client.Db().Todos.Get("a").Get()!.Title);
            lock (errors)
            {
                Assert.Contains(errors, e => e.Kind == SyncErrorKind.Persistence);
            }

            await client.SyncAsync();
            Assert.Equal("Renamed", client.Db().Todos.Get("a").Get()!.Title);
        }

        // After a restart the journal holds the renamed state at the cursor that goes with it.
        var restarted = new Replica(TodoDb.Mutators);
        await restarted.OpenAsync(persistence.Inner);
        Assert.Equal("Renamed", new TodoDb(restarted).Todos.Get("a").Get()!.Title);
        Assert.Equal(writer.Cursor, restarted.Cursor);
        await restarted.DisposeAsync();
    }

    [Fact]
    public async Task Queue_cursor_and_confirmed_state_are_recorded_as_they_change()
    {
        await using var server = await ServerHost.StartAsync();
        var persistence = new MemoryPersistence();
        ulong cursor;
        await using (var client = Clients.Create(server, live: false, persistence: persistence, configure: o => o.AutomaticSync = false))
        {
            await client.StartAsync();
            client.Db().Todos.Create(new Todo("a", "Milk", false));
            await client.SyncAsync();
            client.Db().Todos.Create(new Todo("b", "Bread", false));
            cursor = client.Cursor;
        }

        var restarted = new Replica(TodoDb.Mutators);
        await restarted.OpenAsync(persistence);
        Assert.Equal(cursor, restarted.Cursor);
        Assert.Equal("todo.create", Assert.Single(restarted.Pending()).Name);
        Assert.True(restarted.ConfirmedSnapshot().TryGet("todo", "a", out _));
        Assert.False(restarted.ConfirmedSnapshot().TryGet("todo", "b", out _));
        Assert.True(restarted.Store.Contains("todo", "b"));
        await restarted.DisposeAsync();
    }

    [Fact]
    public async Task Writes_that_keep_coming_during_a_push_go_in_the_next_cycle_so_the_pull_is_not_held_back()
    {
        await using var server = await ServerHost.StartAsync();
        SyncClient? client = null;
        var requests = new List<string>();
        var writes = 0;
        // The app writes while each push is on the wire, faster than the server answers (up to 20 times).
        using var handler = new RecordingHandler(request =>
        {
            var endpoint = request.RequestUri!.AbsolutePath.Split('/')[^1];
            requests.Add(endpoint);
            if (endpoint == "push" && writes < 20)
            {
                writes++;
                client!.Db().Todos.Create(new Todo($"during-{writes}", "Made while a push was on the wire", false));
            }
        })
        { InnerHandler = new HttpClientHandler() };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(server.Root, "_sync/") };
        await using (client = Clients.Create(server, live: false, configure: o => { o.AutomaticSync = false; o.HttpClient = http; }))
        {
            await client.StartAsync();
            client.Db().Todos.Create(new Todo("first", "Made before the cycle", false));

            await client.SyncAsync().WaitAsync(TimeSpan.FromSeconds(30));

            // One cycle pushes what was waiting when it started, then pulls; what was made meanwhile waits for the next.
            Assert.Equal(["snapshot", "push", "pull"], requests);
            Assert.Equal(1, client.PendingCount.Peek());
            await client.SyncAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(["snapshot", "push", "pull", "push", "pull"], requests);
            Assert.Equal(["during-1", "first"], (await server.Engine.SnapshotAsync("user:1")).Data["todo"].Keys.Order());
        }
    }

    [Fact]
    public async Task Status_signals_and_events_follow_the_connection()
    {
        int port;
        await using (var probe = await ServerHost.StartAsync())
        {
            port = probe.Root.Port;
        }

        await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = new Uri($"http://127.0.0.1:{port}/_sync/"),
            PushInterval = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        });
        var online = new List<bool>();
        var synced = 0;
        client.Status.PropertyChanged += (_, e) =>
        {
            if (e.PropertyName == nameof(SyncStatus.IsOnline))
            {
                lock (online) { online.Add(client.Status.IsOnline); }
            }
        };
        client.Synced += (_, _) => Interlocked.Increment(ref synced);
        await client.StartAsync();
        await Eventually.TrueAsync(() => client.LastError.Get() is { Kind: SyncErrorKind.Network }, "the client reports it cannot reach the server");
        Assert.False(client.Online.Get());
        Assert.Null(client.LastSyncTime.Get());

        await using var server = await ServerHost.StartAsync(port: port);
        await Eventually.TrueAsync(() => client.Online.Get() && client.LastError.Get() is null, "the client comes online");

        Assert.NotNull(client.LastSyncTime.Get());
        Assert.True(Volatile.Read(ref synced) > 0);
        lock (online)
        {
            Assert.True(online[^1]);
        }
    }

    private sealed class RecordingHandler(Action<HttpRequestMessage> onSend) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
