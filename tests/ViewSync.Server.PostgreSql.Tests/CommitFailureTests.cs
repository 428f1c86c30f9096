using System.Text.Json;
using TodoSample;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Server.Engine;

namespace ViewSync.Server.PostgreSql.Tests;

/// <summary>Group commit on PostgreSQL when the database connection dies at the last step of a batch.</summary>
[Collection(PostgresTests.Name)]
public sealed class CommitFailureTests(PostgresFixture postgres)
{
    private static Mutation Create(string id, string scope = "user:1") =>
        Make("todo.create", $$$"""{"id":"{{{id}}}","data":{"id":"{{{id}}}","title":"t {{{id}}}","done":false}}""", scope);

    private static Mutation Make(string name, string args, string scope = "user:1")
    {
        using var document = JsonDocument.Parse(args);
        return new Mutation(MutationIds.NewMutationId(), name, scope, "c0ffee0000000001", 1, document.RootElement.Clone(), DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task A_batch_whose_backend_is_terminated_before_commit_keeps_nothing_and_its_retry_applies_each_mutation_once()
    {
        var schema = PostgresFixture.NewSchema();
        var kills = 0;
        // The last mutation of the batch terminates the backend running the batch's transaction (the only one
        // idle in a transaction: its client is busy running this mutator), so what follows — releasing the last
        // savepoint, moving the head, COMMIT — fails on a dead connection.
        var options = new SyncEngineOptions
        {
            Mutators = TodoDb.Mutators,
            RawApply = (_, _) =>
            {
                if (Interlocked.Increment(ref kills) == 1)
                {
                    var terminated = postgres.ScalarAsync(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE state = 'idle in transaction' AND pid <> pg_backend_pid()").GetAwaiter().GetResult();
                    Assert.Equal(1L, terminated);
                }
            },
        };
        await using var engine = new SyncEngine(await postgres.OpenAsync(schema, listen: false), options);
        await engine.PushAsync([Create("before")]);
        var head = (await engine.PullAsync("user:1", 0, 100)).NextCursor;
        var batch = new[] { Create("a"), Create("b"), Create("c"), Make("kill.backend", "{}") };
        var announced = 0;
        engine.LogAdvanced += (_, _) => Interlocked.Increment(ref announced);

        await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() => engine.PushAsync(batch));

        Assert.Equal(0, announced);
        var pull = await engine.PullAsync("user:1", 0, 100);
        Assert.Equal(["before"], pull.Changes.Select(c => c.Data.GetProperty("id").GetString()));
        Assert.Equal(head, pull.NextCursor);

        // The client retries the same mutation ids: each is applied once, then replays answer the same cursors.
        var retry = await engine.PushAsync(batch);
        Assert.All(retry, r => Assert.True(r.Ok));
        Assert.Equal(3, retry.Take(3).Sum(r => r.Changes!.Count));
        var again = await engine.PushAsync(batch);
        Assert.Equal(retry.Select(r => r.Cursor), again.Select(r => r.Cursor));
        Assert.All(again, r => Assert.Null(r.Changes));
        var after = await engine.PullAsync("user:1", 0, 100);
        Assert.Equal(["before", "a", "b", "c"], after.Changes.Select(c => c.Data.GetProperty("id").GetString()));
        Assert.Equal(1, announced);
    }

    [Fact]
    public async Task A_throwing_mutator_in_the_middle_of_a_batch_is_rejected_alone_while_the_others_commit()
    {
        var options = new SyncEngineOptions
        {
            Mutators = TodoDb.Mutators,
            RawApply = (_, tx) =>
            {
                tx.Put("todo", "half", """{"id":"half","title":"half","done":false}"""u8);
                throw new InvalidOperationException("a bug in the mutator");
            },
        };
        await using var engine = new SyncEngine(await postgres.OpenAsync(PostgresFixture.NewSchema(), listen: false), options);

        var results = await engine.PushAsync([Create("a"), Make("todo.boom", "{}"), Create("b")]);

        Assert.Equal([true, false, true], results.Select(r => r.Ok));
        Assert.Equal(ErrorCodes.InternalError, results[1].Code);
        var snapshot = await engine.SnapshotAsync("user:1");
        Assert.Equal(["a", "b"], snapshot.Data["todo"].Keys.Order(StringComparer.Ordinal));
    }
}
