using System.Collections.Concurrent;
using System.Text;
using ViewSync.Mutators;
using ViewSync.Server.Engine;
using ViewSync.Server.Storage;
using ViewSync.Store;

namespace ViewSync.Server.PostgreSql.Tests;

/// <summary>Several storages ("nodes") on one PostgreSQL schema, as several server processes would use it.</summary>
[Collection(PostgresTests.Name)]
public sealed class MultiNodeStorageTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static Func<IEntityReader, MutationOutcome> Put(string id, int value) =>
        _ => MutationOutcome.Applied([new EntityWrite("todo", id, Encoding.UTF8.GetBytes($$"""{"v":{{value}}}"""))]);

    [Fact]
    public async Task Concurrent_commits_to_one_scope_from_three_nodes_never_let_a_pulling_reader_skip_a_change()
    {
        var schema = PostgresFixture.NewSchema();
        var nodes = new List<PostgreSqlSyncStorage>();
        for (var i = 0; i < 4; i++)
        {
            nodes.Add(await postgres.OpenAsync(schema, listen: false));
        }

        try
        {
            using var done = new CancellationTokenSource();
            var written = new ConcurrentBag<ulong>();
            // Three writers (one per node), batches of 1 to 5, some touching a second scope so cursors of
            // different scopes interleave; each writer also runs several batches at once on its node.
            var writers = Enumerable.Range(0, 3).SelectMany(n => Enumerable.Range(0, 2).Select(lane => Task.Run(async () =>
            {
                for (var round = 0; round < 40; round++)
                {
                    var size = 1 + ((round + lane) % 5);
                    var batch = Enumerable.Range(0, size)
                        .Select(k => new PendingMutation(k == 2 ? "other" : "shared", $"{n}-{lane}-{round}-{k}", Put($"{n}-{lane}-{round}-{k}", round)))
                        .ToList();
                    var results = await nodes[n].ApplyBatchAsync(batch, DateTimeOffset.UtcNow);
                    foreach (var (result, mutation) in results.Zip(batch))
                    {
                        if (mutation.Scope == "shared")
                        {
                            written.Add(Assert.Single(result.Changes).Cursor);
                        }
                    }
                }
            }))).ToArray();

            // The fourth node pulls as a client does, jumping to each read's head when it has no more.
            var seen = new List<ulong>();
            var reader = Task.Run(async () =>
            {
                ulong cursor = 0;
                while (true)
                {
                    var finished = done.IsCancellationRequested;
                    var page = await nodes[3].ReadLogAsync("shared", cursor, 3, long.MaxValue);
                    seen.AddRange(page.Entries.Select(e => e.Cursor));
                    cursor = page.HasMore ? page.Entries[^1].Cursor : Math.Max(cursor, page.Head);
                    if (finished && !page.HasMore)
                    {
                        return;
                    }
                }
            });

            await Task.WhenAll(writers).WaitAsync(Patience);
            await done.CancelAsync();
            await reader.WaitAsync(Patience);

            Assert.Equal(written.Order(), seen);
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.True(seen.Count > 200, $"only {seen.Count} changes were written");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_push_committed_on_one_node_is_announced_on_the_others_and_not_echoed_to_itself()
    {
        var schema = PostgresFixture.NewSchema();
        await using var node1 = await postgres.OpenAsync(schema);
        await using var node3 = await postgres.OpenAsync(schema);
        await Task.WhenAll(node1.WaitUntilListeningAsync(), node3.WaitUntilListeningAsync()).WaitAsync(Patience);
        var heardOn1 = new ConcurrentQueue<LogAdvancedEventArgs>();
        var heardOn3 = new TaskCompletionSource<LogAdvancedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        node1.RemoteLogAdvanced += (_, e) => heardOn1.Enqueue(e);
        node3.RemoteLogAdvanced += (_, e) => heardOn3.TrySetResult(e);
        // node 3's own engine re-raises what it hears as LogAdvanced, which the live hub consumes.
        await using var engine3 = new SyncEngine(node3, new SyncEngineOptions());
        var raisedBy3 = new TaskCompletionSource<LogAdvancedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        engine3.LogAdvanced += (_, e) => raisedBy3.TrySetResult(e);

        var results = await node1.ApplyBatchAsync([new PendingMutation("user:7", "m1", Put("a", 1)), new PendingMutation("user:7", "m2", Put("b", 2))], DateTimeOffset.UtcNow);

        var heard = await heardOn3.Task.WaitAsync(Patience);
        Assert.Equal(("user:7", results[1].Cursor), (heard.Scope, heard.Cursor));
        var raised = await raisedBy3.Task.WaitAsync(Patience);
        Assert.Equal(("user:7", results[1].Cursor), (raised.Scope, raised.Cursor));

        // node 1 hears node 3's next change; had it heard its own, that would be first in the queue.
        await node3.ApplyOnceAsync("user:8", "m3", Put("c", 3), DateTimeOffset.UtcNow);
        await WaitUntilAsync(() => !heardOn1.IsEmpty);
        Assert.Equal("user:8", Assert.Single(heardOn1).Scope);
    }

    [Fact]
    public async Task A_listener_whose_connection_is_killed_reconnects_and_hears_later_changes()
    {
        var schema = PostgresFixture.NewSchema();
        await using var node1 = await postgres.OpenAsync(schema, listen: false);
        await using var node2 = await postgres.OpenAsync(schema);
        await node2.WaitUntilListeningAsync().WaitAsync(Patience);
        var heard = new ConcurrentQueue<LogAdvancedEventArgs>();
        node2.RemoteLogAdvanced += (_, e) => heard.Enqueue(e);

        var killed = await postgres.ScalarAsync($"""SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'LISTEN "{schema}_changes"'""");
        Assert.Equal(1L, killed);

        // Notifications sent while it reconnects are lost (clients poll); keep committing until one is heard.
        var round = 0;
        await WaitUntilAsync(async () =>
        {
            await node1.ApplyOnceAsync("s", $"m{round}", Put("a", round), DateTimeOffset.UtcNow);
            round++;
            return !heard.IsEmpty;
        });
        Assert.All(heard, e => Assert.Equal("s", e.Scope));
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(50);
        }
    }
}
