using ViewSync.Persistence;
using ViewSync.Tests.Journal;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>
/// The contract every <see cref="IPersistence"/> keeps (file, memory, browser storage), and a replica's
/// journal working the same over each.
/// </summary>
public abstract class PersistenceContractTests
{
    /// <summary>A persistence for this test's location: each call returns one for the same location, as after a restart.</summary>
    protected abstract IPersistence Open();

    [Fact]
    public async Task A_new_location_opens_empty()
    {
        var persistence = Open();
        var image = await persistence.OpenAsync();
        Assert.True(image.Log.IsEmpty);
        Assert.False(image.UsedBefore);
        Assert.False(string.IsNullOrWhiteSpace(persistence.Location));
        await persistence.DisposeAsync();
    }

    [Fact]
    public async Task A_rewrite_then_appends_come_back_in_order_after_reopening()
    {
        var persistence = Open();
        await persistence.OpenAsync();
        using (var rewrite = persistence.BeginRewrite())
        {
            rewrite.Append("head|"u8);
            Assert.Equal(5, rewrite.Commit(0));
        }

        persistence.Append("one|"u8);
        persistence.Append("two|"u8);
        await persistence.FlushAsync();
        await persistence.DisposeAsync();

        var reopened = Open();
        var image = await reopened.OpenAsync();
        Assert.Equal("head|one|two|"u8.ToArray(), image.Log.ToArray());
        Assert.True(image.UsedBefore);
        await reopened.DisposeAsync();
    }

    [Fact]
    public async Task A_committed_rewrite_keeps_what_was_appended_after_its_mark()
    {
        var persistence = await OpenWithLogAsync("old|"u8.ToArray());

        persistence.Append("a|"u8);
        using (var compaction = persistence.BeginRewrite())
        {
            compaction.Append("NEW|"u8);
            persistence.Append("b|"u8); // written while the compaction was being prepared
            Assert.Equal(6, compaction.Commit(6));
        }

        persistence.Append("c|"u8);
        await persistence.DisposeAsync();

        Assert.Equal("NEW|b|c|"u8.ToArray(), await ReopenAndReadAsync());
    }

    [Fact]
    public async Task A_prepared_rewrite_keeps_what_was_appended_before_and_after_preparing()
    {
        var persistence = await OpenWithLogAsync("old|"u8.ToArray());

        persistence.Append("a|"u8);
        using (var compaction = persistence.BeginRewrite())
        {
            compaction.Append("NEW|"u8);
            persistence.Append("b|"u8); // before the tail is copied outside the journal's lock
            (compaction as IPersistenceRewritePrepare)?.Prepare(6);
            persistence.Append("c|"u8); // after: only this is copied by the commit
            Assert.Equal(8, compaction.Commit(6));
        }

        persistence.Append("d|"u8);
        await persistence.DisposeAsync();

        Assert.Equal("NEW|b|c|d|"u8.ToArray(), await ReopenAndReadAsync());
    }

    [Fact]
    public async Task A_rewrite_dropped_without_commit_changes_nothing()
    {
        var persistence = await OpenWithLogAsync("kept|"u8.ToArray());

        using (var abandoned = persistence.BeginRewrite())
        {
            abandoned.Append("never|"u8);
        }

        persistence.Append("more|"u8);
        await persistence.DisposeAsync();

        Assert.Equal("kept|more|"u8.ToArray(), await ReopenAndReadAsync());
    }

    [Fact]
    public async Task A_second_user_of_the_same_location_is_refused_while_the_first_has_it()
    {
        var first = Open();
        await first.OpenAsync();
        var second = Open();

        await Assert.ThrowsAsync<PersistenceLockedException>(() => second.OpenAsync().AsTask());

        await first.DisposeAsync();
        var third = Open();
        await third.OpenAsync();
        await third.DisposeAsync();
    }

    [Fact]
    public async Task A_replica_journal_survives_restarts_and_compactions_in_it()
    {
        var options = new JournalOptions { CompactionThresholdBytes = 2048 };
        var replica = new Replica(CounterMutators.Table);
        await replica.OpenAsync(Open(), options);
        var workload = new JournalWorkload(replica, new Random(9));
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 120; i++)
            {
                await workload.StepAsync(_ => { });
            }

            var expected = workload.Current;
            await replica.DisposeAsync();
            replica = new Replica(CounterMutators.Table);
            var opened = await replica.OpenAsync(Open(), options);
            Assert.Empty(opened.Problems);
            Assert.True(expected.Matches(ExpectedState.Of(replica)), $"round {round}: expected {expected}, found {ExpectedState.Of(replica)}");
            Assert.Null(JournalWorkload.VisibleProblem(replica));
            workload = new JournalWorkload(replica, new Random(round));
        }

        await replica.DisposeAsync();
    }

    /// <summary>Opens the location and gives it a first log, as a replica's first rewrite does.</summary>
    private async Task<IPersistence> OpenWithLogAsync(byte[] log)
    {
        var persistence = Open();
        await persistence.OpenAsync();
        using var rewrite = persistence.BeginRewrite();
        rewrite.Append(log);
        rewrite.Commit(0);
        return persistence;
    }

    /// <summary>What the location holds, read by a new instance as after a restart.</summary>
    private async Task<byte[]> ReopenAndReadAsync()
    {
        var reopened = Open();
        var log = (await reopened.OpenAsync()).Log.ToArray();
        await reopened.DisposeAsync();
        return log;
    }
}
