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
            if (viewer.Db().TodoItems.Get("t").Exists())
            {
                lock (threads)
                {
                    threads.Add(Environment.CurrentManagedThreadId);
                }
            }
        }, ui));

        writer.Db().TodoItems.Create(new TodoItem("t", "x", false));

        await Eventually.TrueAsync(() => { lock (threads) { return threads.Count > 0; } }, "the viewer's effect sees the remote todo");
        lock (threads)
        {
            Assert.All(threads, id => Assert.Equal(ui.ThreadId, id));
        }

        await ui.InvokeAsync(() => effect!.Dispose());
        Assert.Empty(ui.Unhandled);
    }

    [Fact]
    public async Task A_failed_local_save_is_reported_with_its_mutation_and_neither_sync_nor_stop_fails()
    {
        await using var server = await ServerHost.StartAsync();
        var persistence = new FailingPersistence();
        var client = Clients.Create(server, persistence: persistence);
        var errors = new List<SyncError>();
        client.Error += (_, e) => { lock (errors) { errors.Add(e.Error); } };
        await client.StartAsync();
        persistence.FailNextAppends(1);

        var id = client.Db().TodoItems.Create(new TodoItem("full", "Disk is full", false)).Id;
        client.Db().TodoItems.Create(new TodoItem("fine", "Saved", false));

        await Eventually.TrueAsync(() => { lock (errors) { return errors.Any(e => e.Kind == SyncErrorKind.Persistence); } }, "the failed save is reported");
        SyncError error;
        lock (errors)
        {
            error = errors.First(e => e.Kind == SyncErrorKind.Persistence);
        }

        Assert.Equal("todo.create", error.Mutation?.Name);
        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(error.Exception);
        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0, "both mutations still reach the server");
        var snapshot = await server.Engine.SnapshotAsync("user:1");
        Assert.Equal(["fine", "full"], snapshot.Data["todo"].Keys.Order(StringComparer.Ordinal));
        Assert.Equal("full", id);

        // The failure is thrown by the next flush, once; stopping and disposing do not throw it again.
        await Assert.ThrowsAsync<IOException>(() => client.FlushAsync());
        await client.FlushAsync();
        persistence.FailNextAppends(1);
        client.Db().Mutate.Toggle("fine");
        await client.StopAsync();
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Queue_cursor_and_confirmed_state_are_saved_as_they_change()
    {
        await using var server = await ServerHost.StartAsync();
        var persistence = new MemoryPersistence();
        await using var client = Clients.Create(server, live: false, persistence: persistence, configure: o => o.AutomaticSync = false);
        await client.StartAsync();
        var db = client.Db();

        db.TodoItems.Create(new TodoItem("a", "Milk", false));
        await client.FlushAsync();
        var queued = await persistence.LoadAsync();
        Assert.Equal("todo.create", Assert.Single(queued.Pending).Name);

        await client.SyncAsync();
        var synced = await persistence.LoadAsync();
        Assert.Empty(synced.Pending);
        Assert.Equal(client.Cursor, synced.Cursor);
        Assert.True(synced.Store.TryGet("todo", "a", out _));
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
        client.OnlineChanged += (_, value) => { lock (online) { online.Add(value); } };
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
}
