using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Mutators;
using ViewSync.Persistence;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

public sealed class OfflineTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"viewsync-offline-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Work_done_while_the_server_is_down_survives_a_client_restart_and_is_pushed_once()
    {
        // Learn a free port, then leave it closed: the server is "down".
        int port;
        await using (var probe = await ServerHost.StartAsync())
        {
            port = probe.Root.Port;
        }

        var baseUrl = new Uri($"http://127.0.0.1:{port}/_sync/");
        await using (var offline = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = baseUrl,
            Scope = "user:1",
            Persistence = new FilePersistence(_directory),
            PushInterval = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
        }))
        {
            var errors = 0;
            offline.Error += (_, _) => Interlocked.Increment(ref errors);
            await offline.StartAsync(); // succeeds with no server
            var db = offline.Db();
            db.Todos.Create(new Todo("a", "Milk", false));
            db.Todos.Create(new Todo("b", "Bread", false));
            db.Mutate.Toggle("a");
            Assert.True(db.Todos.Get("a").Get()!.Done); // reads and writes work offline
            await Eventually.TrueAsync(() => Volatile.Read(ref errors) > 0 && !offline.Online.Get(), "the client notices it is offline");
            Assert.Equal(3, offline.PendingCount.Get());
            await offline.FlushAsync();
        }

        // The app restarts; the server comes back on the same address.
        await using var server = await ServerHost.StartAsync(port: port);
        await using var restarted = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = baseUrl,
            Scope = "user:1",
            Persistence = new FilePersistence(_directory),
            PushInterval = TimeSpan.FromMilliseconds(100),
        });
        await restarted.StartAsync();
        Assert.Equal(3, restarted.PendingCount.Get()); // restored from disk
        Assert.True(restarted.Db().Todos.Get("a").Get()!.Done);

        await Eventually.TrueAsync(() => restarted.PendingCount.Get() == 0, "everything is pushed and confirmed");
        var snapshot = await server.Engine.SnapshotAsync("user:1");
        Assert.Equal(["a", "b"], snapshot.Data["todo"].Keys.Order());
        Assert.True(snapshot.Data["todo"]["a"].GetProperty("done").GetBoolean());
        Assert.Equal(3UL, snapshot.Cursor); // each mutation applied once
        Assert.True(restarted.Online.Get());
    }

    [Theory]
    [MemberData(nameof(TestServers.Kinds), MemberType = typeof(TestServers))]
    public async Task A_conflicting_mutation_is_rolled_back_reported_and_the_rest_still_pushed(ServerKind kind)
    {
        // The strict server answers a conflict as the Go engine: {"ok":false,"error":"sync: conflict"}, no code.
        await using var server = await TestServers.StartAsync(kind);
        await using var a = Clients.Create(server, live: false, configure: o => o.PullInterval = TimeSpan.FromHours(1));
        await using var b = Clients.Create(server, live: false);
        await a.StartAsync();
        await b.StartAsync();
        b.Db().Todos.Create(new Todo("x", "shared", false));
        await b.SyncAsync();
        await a.SyncAsync();
        var rejected = new List<MutationRejectedEventArgs>();
        a.MutationRejected += (_, e) => rejected.Add(e);

        // B deletes x; A, not knowing yet, toggles it and creates another todo.
        b.Db().Todos.Get("x").Delete();
        await b.SyncAsync();
        var toggle = a.Db().Mutate.Toggle("x");
        a.Db().Todos.Create(new Todo("y", "mine", false));
        Assert.True(a.Db().Todos.Get("x").Get()!.Done); // optimistic

        await a.SyncAsync();

        var rejection = Assert.Single(rejected);
        Assert.Equal(toggle.Id, rejection.Mutation.Id);
        Assert.Equal("todo.toggle", rejection.Mutation.Name);
        Assert.Equal(ErrorCodes.Conflict, rejection.Code);
        Assert.False(a.Db().Todos.Get("x").Exists()); // rolled back to the server's truth
        Assert.True(a.Db().Todos.Get("y").Exists());
        Assert.Equal(0, a.PendingCount.Get());
        Assert.True((await server.EntitiesAsync("user:1", "todo")).ContainsKey("y"));
        server.AssertNothingRefused();
    }
}
