using System.Text.Json;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary>
/// Several clients converge to the server's state: against the project's server and against the
/// strict, Go-shaped one, both on 127.0.0.1.
/// </summary>
public sealed class ConvergenceTests
{
    private static async Task<Dictionary<string, string>> ServerStateAsync(ISyncTestServer server, string scope) =>
        new(await server.EntitiesAsync(scope, "todo"));

    private static Dictionary<string, string> ClientState(TodoDb db) =>
        db.Todos.All().ToDictionary(t => t.Id, t => JsonSerializer.Serialize(t, AppJson.Default.Todo));

    [Theory]
    [MemberData(nameof(TestServers.KindsAndLive), MemberType = typeof(TestServers))]
    public async Task Two_clients_converge_and_an_effect_on_B_sees_As_change(ServerKind kind, bool live)
    {
        await using var server = await TestServers.StartAsync(kind);
        await using var a = Clients.Create(server, live: live);
        await using var b = Clients.Create(server, live: live);
        await a.StartAsync();
        await b.StartAsync();
        var dbA = a.Db();
        var dbB = b.Db();
        var seenOnB = new List<string?>();
        using var effect = new Effect(() => seenOnB.Add(dbB.Todos.Get("milk").Get()?.Title));

        dbA.Todos.Create(new Todo("milk", "Buy milk", false));
        await Eventually.TrueAsync(() => seenOnB.Contains("Buy milk"), "B's effect sees A's todo");

        dbB.Mutate.Rename("milk", "Buy oat milk");
        await Eventually.TrueAsync(() => dbA.Todos.Get("milk").Get()?.Title == "Buy oat milk", "A sees B's rename");
        await Eventually.TrueAsync(() => a.PendingCount.Get() == 0 && b.PendingCount.Get() == 0, "both are confirmed");

        var expected = await ServerStateAsync(server, "user:1");
        Assert.Equal(expected, ClientState(dbA));
        Assert.Equal(expected, ClientState(dbB));
        server.AssertNothingRefused();
    }

    [Theory]
    [MemberData(nameof(TestServers.KindsAndLive), MemberType = typeof(TestServers))]
    public async Task Three_clients_editing_the_same_entity_converge_to_the_server_snapshot(ServerKind kind, bool live)
    {
        await using var server = await TestServers.StartAsync(kind);
        var clients = new[] { Clients.Create(server, live: live), Clients.Create(server, live: live), Clients.Create(server, live: live) };
        foreach (var client in clients)
        {
            await client.StartAsync();
        }

        var dbs = clients.Select(c => c.Db()).ToArray();
        dbs[0].Todos.Create(new Todo("shared", "start", false));
        await Eventually.TrueAsync(() => dbs.All(db => db.Todos.Get("shared").Exists()), "everyone has the shared todo");

        await Task.WhenAll(dbs.Select((db, i) => Task.Run(() =>
        {
            for (var n = 0; n < 20; n++)
            {
                db.Mutate.Toggle("shared");
                db.Mutate.Rename("shared", $"client {i} edit {n}");
                db.Todos.Create(new Todo($"own-{i}-{n}", "mine", n % 2 == 0));
            }
        })));

        await Eventually.TrueAsync(() => clients.All(c => c.PendingCount.Get() == 0), "every mutation is confirmed", TimeSpan.FromSeconds(60));
        var expected = await ServerStateAsync(server, "user:1");
        await Eventually.TrueAsync(() => dbs.All(db => ClientState(db).Count == expected.Count), "everyone has every todo");
        foreach (var db in dbs)
        {
            await Eventually.TrueAsync(() => ClientState(db).SequenceEqual(expected.OrderBy(e => e.Key)) || ClientState(db).OrderBy(e => e.Key).SequenceEqual(expected.OrderBy(e => e.Key)), "client matches the server");
        }

        Assert.Equal(61, expected.Count);
        Assert.True(JsonDocument.Parse(expected["shared"]).RootElement.GetProperty("done").GetBoolean() == false); // 60 toggles
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        server.AssertNothingRefused();
    }

    [Theory]
    [MemberData(nameof(TestServers.Kinds), MemberType = typeof(TestServers))]
    public async Task The_value_a_user_sees_never_flickers_back_while_pushes_and_pulls_interleave(ServerKind kind)
    {
        await using var server = await TestServers.StartAsync(kind);
        await using var a = Clients.Create(server);
        await using var other = Clients.Create(server);
        await a.StartAsync();
        await other.StartAsync();
        var db = a.Db();
        var otherDb = other.Db();
        db.Todos.Create(new Todo("t", "v0", false));
        await Eventually.TrueAsync(() => a.PendingCount.Get() == 0, "the todo is confirmed");
        var seen = new List<string>();
        using var effect = new Effect(() => { if (db.Todos.Get("t").Get() is { } todo) { lock (seen) { seen.Add(todo.Title); } } });

        for (var n = 1; n <= 30; n++)
        {
            db.Mutate.Rename("t", $"v{n}");
            otherDb.Todos.Get($"noise-{n}").Set(new Todo($"noise-{n}", "x", false)); // other traffic moves the log
            if (n % 5 == 0)
            {
                await a.SyncAsync();
            }
        }

        await Eventually.TrueAsync(() => a.PendingCount.Get() == 0, "all renames are confirmed");
        List<string> values;
        lock (seen)
        {
            values = [.. seen];
        }

        var versions = values.Select(v => int.Parse(v[1..])).ToList();
        Assert.Equal(versions.Order(), versions); // never went back to an older value
        Assert.Equal(30, versions[^1]);
        server.AssertNothingRefused();
    }

    [Theory]
    [MemberData(nameof(TestServers.Kinds), MemberType = typeof(TestServers))]
    public async Task A_client_still_receives_changes_that_sit_between_its_cursor_and_its_push_result(ServerKind kind)
    {
        await using var server = await TestServers.StartAsync(kind);
        await using var a = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await using var b = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await using var elsewhere = Clients.Create(server, scope: "user:2", live: false, configure: o => o.AutomaticSync = false);
        await a.StartAsync();
        await b.StartAsync();
        await elsewhere.StartAsync();
        await a.SyncAsync();
        var dbA = a.Db();
        var dbB = b.Db();

        // Another scope's changes make this scope's cursors skip numbers ...
        elsewhere.Db().Todos.Create(new Todo("other-scope", "x", false));
        await elsewhere.SyncAsync();

        // ... B's change lands in the log after A's cursor ...
        dbB.Todos.Create(new Todo("from-b", "B", false));
        await b.SyncAsync();
        var cursorBefore = a.Cursor;

        // ... then A pushes: its result cursor is past B's change, which A must still pull.
        dbA.Todos.Create(new Todo("from-a", "A", false));
        await a.SyncAsync();

        Assert.True(dbA.Todos.Get("from-b").Exists(), "A received B's change");
        Assert.True(a.Cursor > cursorBefore);
        Assert.Equal(0, a.PendingCount.Get());
        Assert.False(dbA.Todos.Get("other-scope").Exists());
        Assert.Equal(await ServerStateAsync(server, "user:1"), ClientState(dbA));
        server.AssertNothingRefused();
    }

    [Theory]
    [MemberData(nameof(TestServers.Kinds), MemberType = typeof(TestServers))]
    public async Task A_client_pulls_a_long_log_in_pages_and_an_idle_pull_leaves_it_where_it_is(ServerKind kind)
    {
        await using var server = await TestServers.StartAsync(kind);
        await using var writer = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await using var reader = Clients.Create(server, live: false, configure: o =>
        {
            o.AutomaticSync = false;
            o.PullLimit = 4;
        });
        var errors = new List<SyncError>();
        reader.Error += (_, e) => { lock (errors) { errors.Add(e.Error); } };
        await writer.StartAsync();
        await reader.StartAsync();
        await reader.SyncAsync(); // an empty scope: Go answers {"changes":null} with no cursor at all
        Assert.Equal(0UL, reader.Cursor);

        for (var i = 0; i < 23; i++)
        {
            writer.Db().Todos.Create(new Todo($"t{i:00}", $"todo {i}", i % 3 == 0));
        }

        await writer.SyncAsync();
        await reader.SyncAsync();
        var cursor = reader.Cursor;
        await reader.SyncAsync(); // an idle pull: an empty page must not move (or break) the cursor

        Assert.Equal(23, reader.Db().Todos.All().Count);
        Assert.Equal(await ServerStateAsync(server, "user:1"), ClientState(reader.Db()));
        Assert.Equal(cursor, reader.Cursor);
        Assert.Equal(await server.SnapshotCursorAsync("user:1"), reader.Cursor);
        lock (errors)
        {
            Assert.Empty(errors);
        }

        server.AssertNothingRefused();
    }
}
