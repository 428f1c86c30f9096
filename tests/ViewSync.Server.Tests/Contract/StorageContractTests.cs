using System.Text;
using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Server.Storage;
using ViewSync.Store;

namespace ViewSync.Server.Tests.Contract;

/// <summary>
/// Every behaviour of <see cref="ISyncStorage"/>, run against each storage (in-memory, SQLite, PostgreSQL) by a
/// subclass that says how to open it. Each test opens a fresh, empty storage.
/// </summary>
public abstract class StorageContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Opens a new, empty storage. Opening twice in one test gives two handles on the same data.</summary>
    protected abstract Task<ISyncStorage> OpenAsync();

    protected static Func<IEntityReader, MutationOutcome> Put(string id, string json, string entity = "todo") =>
        _ => MutationOutcome.Applied([new EntityWrite(entity, id, Encoding.UTF8.GetBytes(json))]);

    protected static Func<IEntityReader, MutationOutcome> Remove(string id, string entity = "todo") =>
        _ => MutationOutcome.Applied([new EntityWrite(entity, id, null)]);

    private static string Text(ReadOnlyMemory<byte>? bytes) => bytes is { } b ? Encoding.UTF8.GetString(b.Span) : "<null>";

    private static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);

    private static async Task<List<(string Entity, string Id, string Json)>> StateAsync(ISyncStorage storage, string scope)
    {
        var rows = new List<(string, string, string)>();
        await storage.ReadStateAsync(scope, (entity, id, json) =>
        {
            rows.Add((entity, id, Encoding.UTF8.GetString(json.Span)));
            return ValueTask.CompletedTask;
        });
        return rows;
    }

    [Fact]
    public async Task A_mutation_id_is_applied_once_and_replays_answer_the_first_result()
    {
        await using var storage = await OpenAsync();
        var first = await storage.ApplyOnceAsync("s", "m1", Put("a", """{"v":1}"""), T0);
        var calls = 0;
        var replay = await storage.ApplyOnceAsync("s", "m1", r => { calls++; return Put("a", """{"v":2}""")(r); }, T0);

        Assert.True(first.Ok);
        Assert.False(first.IsReplay);
        Assert.Equal("create", Assert.Single(first.Changes).Op);
        Assert.True(replay.Ok);
        Assert.True(replay.IsReplay);
        Assert.Equal(first.Cursor, replay.Cursor);
        Assert.Empty(replay.Changes);
        Assert.Equal(0, calls);
        Assert.Equal([("todo", "a", """{"v":1}""")], await StateAsync(storage, "s"));
        // The same id in another scope is another mutation.
        Assert.False((await storage.ApplyOnceAsync("other", "m1", Put("a", "{}"), T0)).IsReplay);
    }

    [Fact]
    public async Task A_rejection_is_recorded_writes_nothing_and_is_replayed()
    {
        await using var storage = await OpenAsync();
        var rejected = await storage.ApplyOnceAsync("s", "m1", _ => MutationOutcome.Rejected(ErrorCodes.Conflict, "no"), T0);
        var calls = 0;
        var replay = await storage.ApplyOnceAsync("s", "m1", r => { calls++; return Put("a", "{}")(r); }, T0);

        Assert.False(rejected.Ok);
        Assert.Equal((ErrorCodes.Conflict, "no"), (rejected.Code, rejected.Error));
        Assert.True(replay.IsReplay);
        Assert.Equal((false, ErrorCodes.Conflict, "no"), (replay.Ok, replay.Code, replay.Error));
        Assert.Equal(0, calls);
        Assert.Empty((await storage.ReadLogAsync("s", 0, 100, long.MaxValue)).Entries);
        Assert.Empty(await StateAsync(storage, "s"));
    }

    [Fact]
    public async Task Writes_become_create_update_and_delete_entries_and_deleting_nothing_appends_nothing()
    {
        await using var storage = await OpenAsync();
        var created = await storage.ApplyOnceAsync("s", "1", Put("a", """{"v":1}"""), T0);
        var updated = await storage.ApplyOnceAsync("s", "2", Put("a", """{"v":2}"""), T0);
        var deleted = await storage.ApplyOnceAsync("s", "3", Remove("a"), T0);
        var nothing = await storage.ApplyOnceAsync("s", "4", Remove("never"), T0);
        var seen = new List<string>();
        await storage.ApplyOnceAsync("s", "5", reader =>
        {
            seen.Add(reader.TryGet("todo", "a", out _) ? "a exists" : "a gone");
            return MutationOutcome.Applied([]);
        }, T0);

        Assert.True(created.Cursor < updated.Cursor && updated.Cursor < deleted.Cursor);
        Assert.Equal(deleted.Cursor, nothing.Cursor);
        Assert.Empty(nothing.Changes);
        Assert.Equal(["a gone"], seen);
        var page = await storage.ReadLogAsync("s", 0, 100, long.MaxValue);
        Assert.Equal(["create", "update", "delete"], page.Entries.Select(e => e.Op));
        Assert.Equal([created.Cursor, updated.Cursor, deleted.Cursor], page.Entries.Select(e => e.Cursor));
        Assert.Equal(["""{"v":1}""", """{"v":2}""", "<null>"], page.Entries.Select(e => Text(e.Value)));
        Assert.All(page.Entries, e => Assert.Equal(("s", "todo", "a", T0), (e.Scope, e.Entity, e.Id, e.Time)));
        Assert.Equal(deleted.Cursor, page.Head);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task The_reader_a_mutation_gets_sees_its_scope_only_with_ids_in_ordinal_order()
    {
        await using var storage = await OpenAsync();
        await storage.ApplyOnceAsync("s", "1", _ => MutationOutcome.Applied(
            [new EntityWrite("todo", "b", "{}"u8.ToArray()), new EntityWrite("todo", "B", "{}"u8.ToArray()), new EntityWrite("todo", "a", """{"x":1}"""u8.ToArray())]), T0);
        await storage.ApplyOnceAsync("t", "1", Put("z", "{}"), T0);
        IReadOnlyList<string>? ids = null;
        string? value = null;
        await storage.ApplyOnceAsync("s", "2", reader =>
        {
            ids = reader.Ids("todo");
            value = reader.TryGet("todo", "a", out var json) ? Text(json) : null;
            Assert.False(reader.TryGet("todo", "z", out _));
            Assert.Empty(reader.Ids("list"));
            return MutationOutcome.Applied([]);
        }, T0);

        Assert.Equal(["B", "a", "b"], ids);
        Assert.Equal("""{"x":1}""", value);
        Assert.Equal(["B", "a", "b"], (await StateAsync(storage, "s")).Select(r => r.Id));
    }

    [Fact]
    public async Task Pages_are_bounded_by_count_and_by_bytes_but_always_hold_one_entry()
    {
        await using var storage = await OpenAsync();
        var cursors = new List<ulong>();
        for (var i = 0; i < 5; i++)
        {
            cursors.Add((await storage.ApplyOnceAsync("s", $"m{i}", Put($"e{i}", $$"""{"pad":"{{new string('x', 90)}}"}"""), T0)).Cursor);
        }

        await storage.ApplyOnceAsync("other", "x", Put("o", "{}"), T0);

        var byCount = await storage.ReadLogAsync("s", 0, 2, long.MaxValue);
        Assert.Equal(cursors[..2], byCount.Entries.Select(e => e.Cursor));
        Assert.True(byCount.HasMore);
        var rest = await storage.ReadLogAsync("s", byCount.Entries[^1].Cursor, 10, long.MaxValue);
        Assert.Equal(cursors[2..], rest.Entries.Select(e => e.Cursor));
        Assert.False(rest.HasMore);

        var byBytes = await storage.ReadLogAsync("s", 0, 10, 250);
        Assert.Equal(cursors[..2], byBytes.Entries.Select(e => e.Cursor));
        Assert.True(byBytes.HasMore);
        var tiny = await storage.ReadLogAsync("s", 0, 10, 1);
        Assert.Equal(cursors[..1], tiny.Entries.Select(e => e.Cursor));
        Assert.True(tiny.HasMore);
        var exact = await storage.ReadLogAsync("s", 0, 5, long.MaxValue);
        Assert.False(exact.HasMore);
    }

    [Fact]
    public async Task The_head_of_a_read_covers_every_change_of_the_scope_it_returns()
    {
        await using var storage = await OpenAsync();
        var empty = await storage.ReadLogAsync("s", 0, 10, long.MaxValue);
        Assert.Empty(empty.Entries);
        var last = (await storage.ApplyOnceAsync("s", "1", Put("a", """{"v":1}"""), T0)).Cursor;
        last = (await storage.ApplyOnceAsync("s", "2", Put("b", """{"v":2}"""), T0)).Cursor;

        var head = await storage.ReadStateAsync("s", (_, _, _) => ValueTask.CompletedTask);
        var page = await storage.ReadLogAsync("s", 0, 10, long.MaxValue);
        Assert.True(head >= last);
        Assert.True(page.Head >= last);
        Assert.Empty((await storage.ReadLogAsync("s", page.Head, 10, long.MaxValue)).Entries);
        Assert.Equal([("todo", "a", """{"v":1}"""), ("todo", "b", """{"v":2}""")], await StateAsync(storage, "s"));
    }

    [Fact]
    public async Task Trimming_deletes_old_entries_remembers_how_far_per_scope_and_keeps_state()
    {
        await using var storage = await OpenAsync();
        var old = (await storage.ApplyOnceAsync("s", "1", Put("a", """{"v":1}"""), T0)).Cursor;
        await storage.ApplyOnceAsync("u", "1", Put("a", "{}"), T0.AddMinutes(10));
        var recent = (await storage.ApplyOnceAsync("s", "2", Put("b", """{"v":2}"""), T0.AddMinutes(10))).Cursor;

        Assert.Equal(1, await storage.TrimAsync(T0.AddMinutes(5)));

        var page = await storage.ReadLogAsync("s", 0, 10, long.MaxValue);
        Assert.Equal(old, page.TrimmedThrough);
        Assert.Equal([recent], page.Entries.Select(e => e.Cursor));
        Assert.Equal(0UL, (await storage.ReadLogAsync("u", 0, 10, long.MaxValue)).TrimmedThrough);
        Assert.Equal(2, (await StateAsync(storage, "s")).Count);
        Assert.Equal(0, await storage.TrimAsync(T0.AddMinutes(5)));
        Assert.Equal(old, (await storage.ReadLogAsync("s", 0, 10, long.MaxValue)).TrimmedThrough);
    }

    [Fact]
    public async Task A_batch_keeps_the_neighbours_of_a_rejected_or_throwing_mutation()
    {
        await using var storage = await OpenAsync();
        var results = await storage.ApplyBatchAsync(
        [
            new PendingMutation("s", "1", Put("a", """{"v":1}""")),
            new PendingMutation("s", "2", _ => throw new InvalidOperationException("bug in a mutator")),
            new PendingMutation("s", "3", _ => MutationOutcome.Rejected(ErrorCodes.Conflict, "taken")),
            new PendingMutation("t", "4", Put("b", """{"v":2}""")),
            new PendingMutation("s", "1", Put("a", """{"v":99}""")),
            new PendingMutation("s", "5", Put("c", """{"v":3}""")),
        ], T0);

        Assert.Equal([true, false, false, true, true, true], results.Select(r => r.Ok));
        Assert.Equal(ErrorCodes.InternalError, results[1].Code);
        Assert.Equal(ErrorCodes.Conflict, results[2].Code);
        Assert.True(results[4].IsReplay);
        Assert.Equal(results[0].Cursor, results[4].Cursor);
        Assert.True(results[0].Cursor < results[5].Cursor);
        Assert.Equal([("todo", "a", """{"v":1}"""), ("todo", "c", """{"v":3}""")], await StateAsync(storage, "s"));
        Assert.Equal(["a", "c"], (await storage.ReadLogAsync("s", 0, 10, long.MaxValue)).Entries.Select(e => e.Id));

        // Rejections are final: a replay of the batch answers them again and runs nothing.
        var replay = await storage.ApplyBatchAsync([new PendingMutation("s", "2", Put("x", "{}")), new PendingMutation("s", "3", Put("x", "{}"))], T0);
        Assert.All(replay, r => Assert.True(r.IsReplay && !r.Ok));
        Assert.Equal([ErrorCodes.InternalError, ErrorCodes.Conflict], replay.Select(r => r.Code));
    }

    [Fact]
    public async Task A_batch_that_fails_keeps_nothing_and_its_retry_applies_each_mutation_once()
    {
        await using var storage = await OpenAsync();
        await storage.ApplyOnceAsync("s", "before", Put("z", "{}"), T0);
        var head = (await storage.ReadLogAsync("s", 0, 10, long.MaxValue)).Head;
        using var cancelled = new CancellationTokenSource();
        var batch = new List<PendingMutation>
        {
            new("s", "1", Put("a", """{"v":1}""")),
            new("s", "2", _ => { cancelled.Cancel(); return Put("b", """{"v":2}""")(null!); }),
            new("s", "3", Put("c", """{"v":3}""")),
        };

        // Cancelled after writes were made but before the commit: the batch as a whole fails.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.ApplyBatchAsync(batch, T0, cancelled.Token));
        var after = await storage.ReadLogAsync("s", 0, 10, long.MaxValue);
        Assert.Equal(["z"], after.Entries.Select(e => e.Id));
        Assert.Equal(head, after.Head);
        Assert.Equal(["z"], (await StateAsync(storage, "s")).Select(r => r.Id));

        var retry = await storage.ApplyBatchAsync(batch, T0);
        Assert.All(retry, r => Assert.True(r.Ok && !r.IsReplay));
        var again = await storage.ApplyBatchAsync(batch, T0);
        Assert.All(again, r => Assert.True(r.IsReplay));
        Assert.Equal(["z", "a", "b", "c"], (await storage.ReadLogAsync("s", 0, 10, long.MaxValue)).Entries.Select(e => e.Id));
    }

    [Fact]
    public async Task Readers_running_beside_writers_see_whole_mutations_and_a_pull_loop_never_skips()
    {
        await using var storage = await OpenAsync();
        const int Mutations = 150;
        using var done = new CancellationTokenSource();
        // Each mutation writes a pair with the same value: a reader must never see half of one.
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < Mutations; i += 2)
            {
                var json = Encoding.UTF8.GetBytes($$"""{"v":{{i}}}""");
                Func<IEntityReader, MutationOutcome> pair = _ => MutationOutcome.Applied([new EntityWrite("p", "left", json), new EntityWrite("p", "right", json)]);
                if (i % 3 == 0)
                {
                    await storage.ApplyBatchAsync([new PendingMutation("s", $"m{i}", pair), new PendingMutation("noise", $"n{i}", Put("n", "{}"))], T0);
                }
                else
                {
                    await storage.ApplyOnceAsync("s", $"m{i}", pair, T0);
                }
            }
        })).ToArray();

        var snapshots = Task.Run(async () =>
        {
            var reads = 0;
            while (!done.IsCancellationRequested || reads == 0)
            {
                var rows = await StateAsync(storage, "s");
                Assert.True(rows.Count is 0 or 2, $"a snapshot held {rows.Count} entities");
                if (rows.Count == 2)
                {
                    Assert.Equal(rows[0].Json, rows[1].Json);
                }

                reads++;
            }
        });

        // Pulls as a client does: to the last entry while there is more, else to the head of the read.
        var seen = new List<ulong>();
        var puller = Task.Run(async () =>
        {
            ulong cursor = 0;
            while (true)
            {
                var finished = done.IsCancellationRequested;
                var page = await storage.ReadLogAsync("s", cursor, 7, long.MaxValue);
                seen.AddRange(page.Entries.Select(e => e.Cursor));
                cursor = page.HasMore ? page.Entries[^1].Cursor : Math.Max(cursor, page.Head);
                if (finished && !page.HasMore)
                {
                    return;
                }
            }
        });

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2));
        await done.CancelAsync();
        await Task.WhenAll(snapshots, puller).WaitAsync(TimeSpan.FromMinutes(2));

        var all = await storage.ReadLogAsync("s", 0, 1000, long.MaxValue);
        Assert.Equal(2 * Mutations, all.Entries.Count);
        Assert.Equal(all.Entries.Select(e => e.Cursor), seen);
    }
}
