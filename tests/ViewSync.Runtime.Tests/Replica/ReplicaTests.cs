using ViewSync.Persistence;
using ViewSync.Store;
using ViewSync.Tests.Journal;

namespace ViewSync.Runtime.Tests.Replicas;

/// <summary>The replica's rules under plain app code that throws, failed writes, and mutations made before opening.</summary>
public sealed class ReplicaTests
{
    private static readonly ReadOnlyMemory<byte> Hello = CounterMutators.Note("hello");

    [Fact]
    public void A_pulled_value_is_held_once_the_visible_store_shares_it_with_the_confirmed_state()
    {
        var replica = new Replica(CounterMutators.Table);
        var pulled = CounterMutators.Note("a large value").ToArray();

        replica.ApplyServerChanges([new EntityWrite("note", "n1", pulled)], 1, []);

        // One copy of a scope, however it was loaded (a snapshot shares its values the same way): not a second one per page.
        Assert.True(replica.Store.TryGet("note", "n1", out ReadOnlyMemory<byte> visible));
        Assert.True(replica.ConfirmedSnapshot().TryGet("note", "n1", out var confirmed));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(visible, out var visibleArray));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(confirmed, out var confirmedArray));
        Assert.Same(confirmedArray.Array, visibleArray.Array);
        Assert.True(visible.Span.SequenceEqual(pulled));
    }

    [Fact]
    public void A_mutator_that_throws_a_plain_exception_on_replay_leaves_the_state_rebuilt_and_the_mutation_to_the_server()
    {
        var replica = new Replica(CounterMutators.Table);
        replica.ApplyServerChanges([new EntityWrite("note", "n1", Hello)], 1, []);
        replica.Mutate("note.append", CounterMutators.Args("""{"id":"n1","text":" world"}"""));
        replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":2}"""));
        var seen = new List<bool>();
        using var effect = new Effect(() => seen.Add(replica.Store.Contains("note", "n1")));

        // Another client deleted the note: note.append now throws InvalidOperationException, not a rejection.
        replica.ApplyServerChanges([new EntityWrite("note", "n1", null)], 2, []);

        Assert.Equal([true, false], seen);
        Assert.Equal(2UL, replica.Cursor);
        Assert.Equal(2, replica.Pending().Count); // the server judges it
        Assert.Equal(2, CounterMutators.Value(replica.Store, "counter", "c1")); // the others still replayed
        Assert.Null(JournalWorkload.VisibleProblem(replica));

        // Rejecting it later rebuilds again without throwing.
        Assert.True(replica.Reject(replica.Pending()[0].Id));
        Assert.Single(replica.Pending());
    }

    [Fact]
    public async Task A_write_that_cannot_be_recorded_changes_nothing_and_the_next_one_works()
    {
        var disk = new SimulatedDisk();
        var replica = new Replica(CounterMutators.Table);
        await replica.OpenAsync(disk);
        replica.ApplyServerChanges([new EntityWrite("counter", "c1", CounterMutators.Counter(5))], 3, []);
        replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));

        disk.Full = true;
        Assert.Throws<IOException>(() => replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":10}""")));
        Assert.Throws<IOException>(() => replica.ApplyServerChanges([new EntityWrite("counter", "c2", CounterMutators.Counter(7))], 4, []));
        Assert.Throws<IOException>(() => replica.Reject(replica.Pending()[0].Id));
        Assert.Throws<IOException>(() => replica.ResetConfirmed(StoreSnapshot.Empty, 9, []));

        Assert.Equal(3UL, replica.Cursor);
        Assert.Equal(6, CounterMutators.Value(replica.Store, "counter", "c1"));
        Assert.False(replica.Store.Contains("counter", "c2"));
        Assert.Single(replica.Pending());

        disk.Full = false;
        replica.ApplyServerChanges([new EntityWrite("counter", "c2", CounterMutators.Counter(7))], 4, []);
        var expected = ExpectedState.Of(replica);
        await replica.DisposeAsync();
        var restarted = new Replica(CounterMutators.Table);
        await restarted.OpenAsync(new SimulatedDisk(image: disk.AfterCrash(powerLoss: false, new Random(1))));
        Assert.True(expected.Matches(ExpectedState.Of(restarted)));
    }

    [Fact]
    public async Task A_page_with_a_value_that_is_not_json_is_refused_before_anything_is_recorded()
    {
        var disk = new SimulatedDisk();
        var replica = new Replica(CounterMutators.Table);
        await replica.OpenAsync(disk);
        replica.ApplyServerChanges([new EntityWrite("counter", "c1", CounterMutators.Counter(5))], 3, []);
        var expected = ExpectedState.Of(replica);

        Assert.Throws<ArgumentException>(() => replica.ApplyServerChanges(
            [new EntityWrite("counter", "c2", CounterMutators.Counter(7)), new EntityWrite("counter", "c3", "{\"n\":"u8.ToArray())], 4, []));
        Assert.Throws<ArgumentException>(() => replica.ApplyServerChanges([new EntityWrite("counter", "", CounterMutators.Counter(1))], 4, []));

        Assert.Equal(3UL, replica.Cursor);
        Assert.False(replica.Store.Contains("counter", "c2"));
        await replica.DisposeAsync();
        var restarted = new Replica(CounterMutators.Table);
        var opened = await restarted.OpenAsync(new SimulatedDisk(image: disk.AfterCrash(powerLoss: false, new Random(1))));
        Assert.Empty(opened.Problems); // nothing half-recorded
        Assert.True(expected.Matches(ExpectedState.Of(restarted)));
    }

    [Fact]
    public void A_page_keeps_its_own_copy_of_the_values_it_was_given()
    {
        var replica = new Replica(CounterMutators.Table);
        var value = CounterMutators.Counter(5).ToArray();
        replica.ApplyServerChanges([new EntityWrite("counter", "c1", value)], 1, []);

        value.AsSpan().Fill((byte)' ');

        Assert.Equal(5, CounterMutators.Value(replica.Store, "counter", "c1"));
        Assert.True(replica.ConfirmedSnapshot().TryGet("counter", "c1", out var confirmed));
        Assert.Equal(CounterMutators.Counter(5).ToArray(), confirmed.ToArray());
    }

    [Fact]
    public async Task A_batch_of_rejections_is_one_record_all_kept_or_none()
    {
        var disk = new SimulatedDisk();
        var replica = new Replica(CounterMutators.Table);
        await replica.OpenAsync(disk);
        var ids = Enumerable.Range(1, 3).Select(n => replica.Mutate("counter.add", CounterMutators.Args($$"""{"id":"c1","n":{{n}}}"""))).ToList();

        disk.Full = true;
        Assert.Throws<IOException>(() => replica.Reject([ids[0], ids[2]]));
        Assert.Equal(ids, replica.Pending().Select(m => m.Id)); // none left the queue, so none goes unreported

        disk.Full = false;
        Assert.Equal(2, replica.Reject([ids[0], ids[2], "not-pending"]));
        Assert.Equal(2, CounterMutators.Value(replica.Store, "counter", "c1"));
        var boundaries = disk.Boundaries;
        await replica.DisposeAsync();
        var restarted = new Replica(CounterMutators.Table);
        await restarted.OpenAsync(new SimulatedDisk(image: disk.AfterCrash(powerLoss: false, new Random(1))));
        Assert.Equal([ids[1]], restarted.Pending().Select(m => m.Id));
        Assert.True(boundaries > 0);
    }

    [Fact]
    public async Task Mutations_made_before_opening_join_the_journal_after_what_it_held()
    {
        var memory = new MemoryPersistence();
        var first = new Replica(CounterMutators.Table);
        await first.OpenAsync(memory);
        var held = first.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));
        await first.DisposeAsync();

        var second = new Replica(CounterMutators.Table);
        var early = second.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":10}"""));
        Assert.Equal(10, CounterMutators.Value(second.Store, "counter", "c1"));
        await second.OpenAsync(memory);

        Assert.Equal([held, early], second.Pending().Select(m => m.Id));
        Assert.Equal(11, CounterMutators.Value(second.Store, "counter", "c1"));
        Assert.Equal(first.ClientId, second.ClientId);
        // Numbering goes on above what the first opening reserved (see Sequence_numbers_are_reserved_durably_before_use).
        Assert.Equal(1UL, second.Pending()[0].Seq);
        Assert.True(second.Pending()[1].Seq > first.SeqReservation, $"seq {second.Pending()[1].Seq}");
        await second.DisposeAsync();

        var third = new Replica(CounterMutators.Table);
        await third.OpenAsync(memory);
        Assert.Equal([held, early], third.Pending().Select(m => m.Id));
        await third.DisposeAsync();
    }

    [Fact]
    public async Task A_snapshot_abandoned_half_way_changes_nothing_and_does_not_hold_compaction_back()
    {
        var memory = new MemoryPersistence();
        var replica = new Replica(CounterMutators.Table);
        await replica.OpenAsync(memory, new JournalOptions { CompactionThresholdBytes = 1024 });
        replica.ApplyServerChanges([new EntityWrite("counter", "c1", CounterMutators.Counter(1))], 1, []);
        using (var load = replica.BeginSnapshot())
        {
            for (var i = 0; i < 2000; i++)
            {
                load.Add("counter", $"s{i}", CounterMutators.Counter(i));
            }

            // The download failed: disposed without Complete.
        }

        Assert.Equal(1UL, replica.Cursor);
        Assert.Equal(1, replica.Store.Count("counter"));
        for (var i = 0; i < 50; i++)
        {
            replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));
        }

        await replica.DisposeAsync();
        Assert.True(replica.JournalCompactions > 0);
        Assert.True(memory.Length < 20_000, $"the journal is {memory.Length} bytes: the abandoned snapshot's chunks should have been compacted away");

        var restarted = new Replica(CounterMutators.Table);
        await restarted.OpenAsync(memory);
        Assert.Equal(1UL, restarted.Cursor);
        Assert.Equal(51, CounterMutators.Value(restarted.Store, "counter", "c1"));
        Assert.Equal(1, restarted.Store.Count("counter"));
        await restarted.DisposeAsync();
    }
}
