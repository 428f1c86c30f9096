using System.Text.Json;
using TodoSample;
using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Server.Engine;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;
using M = ViewSync.Server.Tests.Support.Mutations;

namespace ViewSync.Server.Tests.Engine;

public sealed class SyncEngineTests : IAsyncDisposable
{
    private readonly StorageFactory _storages = new();

    public ValueTask DisposeAsync() => _storages.DisposeAsync();

    private async Task<SyncEngine> EngineAsync(string kind, Action<SyncEngineOptions>? configure = null)
    {
        var options = new SyncEngineOptions { Mutators = TodoDb.Mutators };
        configure?.Invoke(options);
        return new SyncEngine(await _storages.CreateAsync(kind), options);
    }

    private static EntityChange Data(Change change) => change.Data.Deserialize(ProtocolJsonContext.Default.EntityChange)!;

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task Applied_mutations_append_create_update_and_delete_changes(string kind)
    {
        await using var engine = await EngineAsync(kind);

        var results = await engine.PushAsync([M.Create("a", "Milk"), M.Toggle("a"), M.Delete("a"), M.Delete("never-existed")]);

        Assert.All(results, r => Assert.True(r.Ok));
        Assert.Equal([1UL, 2UL, 3UL, 3UL], results.Select(r => r.Cursor!.Value));
        Assert.Equal(["create", "update", "delete"], results.Take(3).Select(r => Data(Assert.Single(r.Changes!)).Op));
        Assert.Empty(results[3].Changes!);
        Assert.True(Data(results[1].Changes![0]).Value!.Value.GetProperty("done").GetBoolean());
        Assert.Null(Data(results[2].Changes![0]).Value);

        var pull = await engine.PullAsync("user:1", 0, 100);
        Assert.Equal([1UL, 2UL, 3UL], pull.Changes.Select(c => c.Cursor));
        Assert.All(pull.Changes, c => Assert.Equal("user:1", c.Scope));
        Assert.False(pull.HasMore);
        Assert.Equal(3UL, pull.NextCursor);
        Assert.Empty((await engine.SnapshotAsync("user:1")).Data);
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task Rejections_carry_their_code_and_write_nothing(string kind)
    {
        var boom = new MutatorTable.Builder()
            .AddEntity(TodoDb.EntityTypes.Todo)
            .Add("todo.boom", (tx, args) =>
            {
                tx.Put("todo", "x", """{"id":"x","title":"half","done":false}"""u8);
                throw new InvalidOperationException("bug");
            })
            .Add("todo.rename", (tx, args) => TodoDb.Mutators.Apply(tx, "todo.rename", args.Json))
            .Build();
        await using var engine = await EngineAsync(kind, o => o.Mutators = boom);
        await engine.PushAsync([M.Create("a", "Milk")]);

        var results = await engine.PushAsync([M.Rename("a", " "), M.Create("a", "Again"), M.Make("todo.boom", "{}"), M.Make("todo.unknown", "{}")]);

        Assert.Equal([ErrorCodes.InvalidMutation, ErrorCodes.Conflict, ErrorCodes.InternalError, ErrorCodes.InvalidMutation], results.Select(r => r.Code));
        Assert.All(results, r => Assert.False(r.Ok));
        Assert.Contains("needs a title", results[0].Error, StringComparison.Ordinal);
        Assert.DoesNotContain("bug", results[2].Error, StringComparison.Ordinal); // no internals leak to clients
        var snapshot = await engine.SnapshotAsync("user:1");
        Assert.Equal(["a"], snapshot.Data["todo"].Keys);
        Assert.Equal("Milk", snapshot.Data["todo"]["a"].GetProperty("title").GetString());
        Assert.Equal(1UL, snapshot.Cursor);
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task A_replayed_mutation_answers_the_first_result_without_applying_again(string kind)
    {
        await using var engine = await EngineAsync(kind);
        var create = M.Create("a", "Milk");
        var toggle = M.Toggle("a");
        var rejected = M.Rename("a", "");

        var first = await engine.PushAsync([create, toggle, rejected]);
        var second = await engine.PushAsync([create, toggle, rejected]);
        var third = await engine.PushAsync([toggle]);

        Assert.Equal(first.Select(r => (r.Ok, r.Cursor, r.Code)), second.Select(r => (r.Ok, r.Cursor, r.Code)));
        Assert.Equal(first[1].Cursor, third[0].Cursor);
        Assert.Equal(2, (await engine.PullAsync("user:1", 0, 100)).Changes.Count);
        Assert.True((await engine.SnapshotAsync("user:1")).Data["todo"]["a"].GetProperty("done").GetBoolean()); // toggled once, not three times
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task The_same_mutation_pushed_concurrently_applies_once(string kind)
    {
        await using var engine = await EngineAsync(kind);
        await engine.PushAsync([M.Create("a", "Milk")]);
        var toggle = M.Toggle("a");

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => engine.PushAsync([toggle]))));

        Assert.All(results, r => Assert.Equal(results[0][0].Cursor, r[0].Cursor));
        Assert.Equal(2, (await engine.PullAsync("user:1", 0, 100)).Changes.Count);
        Assert.True((await engine.SnapshotAsync("user:1")).Data["todo"]["a"].GetProperty("done").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task Eight_clients_pushing_in_parallel_leave_an_ordered_log_that_replays_to_the_snapshot(string kind)
    {
        await using var engine = await EngineAsync(kind);
        const int clients = 8, perClient = 500;
        string[] scopes = ["user:1", "user:2", "user:3"];

        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            for (var i = 0; i < perClient; i += 10)
            {
                var batch = Enumerable.Range(i, 10).Select(n =>
                {
                    var scope = scopes[random.Next(scopes.Length)];
                    var id = $"t{random.Next(20)}";
                    return random.Next(3) switch
                    {
                        0 => M.Create(id, $"c{client}-{n}", scope),
                        1 => M.Update(id, $"c{client}-{n}", done: n % 2 == 0, scope),
                        _ => M.Delete(id, scope),
                    };
                }).ToList();
                var results = await engine.PushAsync(batch);
                Assert.Equal(batch.Count, results.Count);
            }
        }))).WaitAsync(TimeSpan.FromMinutes(3));

        var seen = new HashSet<ulong>();
        foreach (var scope in scopes)
        {
            var replayed = new Dictionary<string, string>();
            var cursor = 0UL;
            var last = 0UL;
            while (true)
            {
                var page = await engine.PullAsync(scope, cursor, 97);
                foreach (var change in page.Changes)
                {
                    Assert.True(change.Cursor > last, "cursors ascend within a scope");
                    Assert.True(seen.Add(change.Cursor), "no cursor appears twice");
                    last = change.Cursor;
                    var data = Data(change);
                    if (data.IsDelete)
                    {
                        replayed.Remove(data.Id);
                    }
                    else
                    {
                        replayed[data.Id] = data.Value!.Value.GetRawText();
                    }
                }

                cursor = page.NextCursor!.Value; // the ViewSync engine always names it
                if (!page.HasMore)
                {
                    break;
                }
            }

            var snapshot = await engine.SnapshotAsync(scope);
            var expected = snapshot.Data.TryGetValue("todo", out var todos) ? todos.ToDictionary(e => e.Key, e => e.Value.GetRawText()) : [];
            Assert.Equal(expected.OrderBy(e => e.Key), replayed.OrderBy(e => e.Key));
            Assert.Equal(snapshot.Cursor, cursor);
        }
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task A_written_pull_answer_is_the_serialized_page(string kind)
    {
        // Byte for byte where the stored values are minified ASCII, as here: the written answer embeds them as stored,
        // where the serialized page re-writes them (without whitespace, non-ASCII escaped).
        await using var engine = await EngineAsync(kind);
        await engine.PushAsync([M.Create("a", "Milk", "user:1"), M.Create("b", "theirs", "user:2"), M.Toggle("a"), M.Create("c", "Oats"), M.Delete("a")]);

        foreach (var (cursor, limit) in new[] { (0UL, 100), (0UL, 2), (2UL, 2), (5UL, 100), (9UL, 100) })
        {
            var write = await ((ISyncEngine)engine).PreparePullAsync("user:1", cursor, limit);
            using var written = new MemoryStream();
            await write(written, CancellationToken.None);

            var expected = JsonSerializer.Serialize(await engine.PullAsync("user:1", cursor, limit), ProtocolJsonContext.Default.PullResponse);
            Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(written.ToArray()));
        }
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task Pulls_page_with_has_more_and_skip_other_scopes(string kind)
    {
        await using var engine = await EngineAsync(kind);
        for (var i = 0; i < 5; i++)
        {
            await engine.PushAsync([M.Create($"a{i}", "mine", "user:1"), M.Create($"b{i}", "theirs", "user:2")]);
        }

        var first = await engine.PullAsync("user:1", 0, 2);
        var second = await engine.PullAsync("user:1", first.NextCursor!.Value, 2);
        var third = await engine.PullAsync("user:1", second.NextCursor!.Value, 2);

        Assert.Equal([1UL, 3UL], first.Changes.Select(c => c.Cursor));
        Assert.True(first.HasMore);
        Assert.Equal(3UL, first.NextCursor);
        Assert.Equal([5UL, 7UL], second.Changes.Select(c => c.Cursor));
        Assert.Equal([9UL], third.Changes.Select(c => c.Cursor));
        Assert.False(third.HasMore);
        Assert.Equal(10UL, third.NextCursor); // the head: user:2's change 10 is not ours to wait for
        Assert.Empty((await engine.PullAsync("user:1", 10, 100)).Changes);
        Assert.Empty((await engine.PullAsync("user:3", 0, 100)).Changes);
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task Trimmed_logs_answer_cursor_too_old_below_the_trim_and_keep_state(string kind)
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        await using var engine = await EngineAsync(kind, o => { o.TimeProvider = clock; o.Retention = TimeSpan.FromHours(1); });
        await engine.PushAsync([M.Create("a", "old"), M.Create("b", "old")]);
        clock.Now += TimeSpan.FromHours(2);
        await engine.PushAsync([M.Create("c", "new")]);

        Assert.Equal(2, await engine.TrimAsync());

        var error = await Assert.ThrowsAsync<CursorTooOldException>(() => engine.PullAsync("user:1", 0, 100));
        Assert.Equal(2UL, error.OldestAvailable);
        await Assert.ThrowsAsync<CursorTooOldException>(() => engine.PullAsync("user:1", 1, 100));
        Assert.Equal([3UL], (await engine.PullAsync("user:1", 2, 100)).Changes.Select(c => c.Cursor));
        Assert.Equal(["a", "b", "c"], (await engine.SnapshotAsync("user:1")).Data["todo"].Keys.Order());
        Assert.Empty((await engine.PullAsync("user:9", 0, 100)).Changes); // other scopes were not trimmed
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task Unknown_mutations_go_to_the_raw_handler_when_there_is_one(string kind)
    {
        await using var engine = await EngineAsync(kind, o => o.RawApply = (mutation, tx) =>
        {
            if (mutation.Name != "counter.bump")
            {
                throw MutationRejectedException.Invalid($"unknown {mutation.Name}");
            }

            var current = tx.TryGet("counter", "c", out ReadOnlyMemory<byte> json) ? int.Parse(System.Text.Encoding.UTF8.GetString(json.Span)) : 0;
            tx.Put("counter", "c", System.Text.Encoding.UTF8.GetBytes((current + 1).ToString()));
        });

        var results = await engine.PushAsync([M.Make("counter.bump", "{}"), M.Make("counter.bump", "{}"), M.Make("other", "{}")]);

        Assert.Equal([true, true, false], results.Select(r => r.Ok));
        Assert.Equal(2, (await engine.SnapshotAsync("user:1")).Data["counter"]["c"].GetInt32());
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task Log_advances_are_announced_once_per_scope_and_batch_after_the_write(string kind)
    {
        await using var engine = await EngineAsync(kind);
        var announced = new List<(string Scope, ulong Cursor)>();
        engine.LogAdvanced += (_, e) => announced.Add((e.Scope, e.Cursor));
        var create = M.Create("a", "Milk", "user:1");

        await engine.PushAsync([create, M.Create("b", "x", "user:2"), M.Toggle("a", "user:1")]);
        await engine.PushAsync([create, M.Rename("a", "")]); // a replay and a rejection: nothing new

        Assert.Equal([("user:1", 3UL), ("user:2", 2UL)], announced.OrderBy(a => a.Scope));
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task An_empty_scope_means_the_default_scope(string kind)
    {
        await using var engine = await EngineAsync(kind);

        await engine.PushAsync([M.Create("a", "Milk", Scopes.Default)]);

        Assert.Single((await engine.PullAsync("", 0, 100)).Changes);
        Assert.Single((await engine.SnapshotAsync("")).Data["todo"]);
    }

    [Fact]
    public async Task Sqlite_state_survives_reopening_the_file()
    {
        await using (var engine = await EngineAsync("sqlite"))
        {
            await engine.PushAsync([M.Create("a", "Milk"), M.Toggle("a")]);
        }

        await using var reopened = await EngineAsync("sqlite");
        var snapshot = await reopened.SnapshotAsync("user:1");
        var next = await reopened.PushAsync([M.Create("b", "Bread")]);

        Assert.True(snapshot.Data["todo"]["a"].GetProperty("done").GetBoolean());
        Assert.Equal(2UL, snapshot.Cursor);
        Assert.Equal(3UL, next[0].Cursor);
    }

    [Fact]
    public async Task A_database_from_a_newer_version_is_refused_with_a_clear_error()
    {
        await using (var storage = await SqliteSyncStorage.OpenAsync(_storages.DatabasePath))
        {
        }

        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_storages.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE meta SET value = 99 WHERE key = 'schema_version'";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SqliteSyncStorage.OpenAsync(_storages.DatabasePath));
        Assert.Contains("newer ViewSync", error.Message, StringComparison.Ordinal);
    }
}
