using ViewSync.Persistence;
using ViewSync.Runtime.Tests.Persistence;
using ViewSync.Store;
using ViewSync.Tests.Journal;

namespace ViewSync.Browser.Tests;

public sealed class LocalStoragePersistenceContractTests : PersistenceContractTests
{
    private readonly MemoryKeyValueStorage _storage = new();

    protected override IPersistence Open() => new LocalStoragePersistence(_storage, "app");
}

public sealed class LocalStoragePersistenceTests
{
    private readonly MemoryKeyValueStorage _storage = new();

    [Fact]
    public async Task Everything_lives_under_the_name_one_value_per_record()
    {
        var replica = await OpenAsync("app");
        replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));
        replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":2}"""));
        await replica.DisposeAsync();

        Assert.All(_storage.Items.Keys, k => Assert.StartsWith("app/", k, StringComparison.Ordinal));
        Assert.Equal("1", _storage.Items["app/head"]);
        Assert.Equal(4, _storage.Items.Keys.Count(k => k.StartsWith("app/1/", StringComparison.Ordinal))); // the new journal, the sequence number reservation, then one per mutation
    }

    [Fact]
    public async Task Two_names_in_one_storage_do_not_see_each_other()
    {
        var one = await OpenAsync("one");
        var two = await OpenAsync("two");
        one.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));
        two.ApplyServerChanges([new EntityWrite("counter", "c9", CounterMutators.Counter(9))], 3, []);
        await one.DisposeAsync();
        await two.DisposeAsync();

        var oneAgain = await OpenAsync("one");
        var twoAgain = await OpenAsync("two");

        Assert.Single(oneAgain.Pending());
        Assert.Equal(0UL, oneAgain.Cursor);
        Assert.Empty(twoAgain.Pending());
        Assert.Equal(3UL, twoAgain.Cursor);
        Assert.NotEqual(oneAgain.ClientId, twoAgain.ClientId);
        await oneAgain.DisposeAsync();
        await twoAgain.DisposeAsync();
    }

    [Fact]
    public async Task A_full_quota_refuses_one_whole_change_so_the_cursor_never_gets_ahead_of_the_state()
    {
        var replica = await OpenAsync("app");
        replica.ApplyServerChanges([new EntityWrite("counter", "a", CounterMutators.Counter(1))], 1, []);
        _storage.Quota = _storage.Items.Sum(i => i.Key.Length + i.Value.Length) + 40;

        // A page that does not fit: nothing of it is applied, in memory or in storage.
        Assert.Throws<IOException>(() => replica.ApplyServerChanges([new EntityWrite("note", "b", CounterMutators.Note(new string('x', 200)))], 2, []));
        Assert.Equal(1UL, replica.Cursor);
        Assert.False(replica.Store.Contains("note", "b"));

        // A mutation that does not fit is refused where it is made.
        Assert.Throws<IOException>(() => replica.Mutate("note.put", CounterMutators.Args($$"""{"id":"n1","text":"{{new string('x', 200)}}"}""")));
        Assert.Empty(replica.Pending());
        Assert.False(replica.Store.Contains("note", "n1"));
        await replica.DisposeAsync();

        _storage.Quota = int.MaxValue;
        var restarted = await OpenAsync("app");
        Assert.Equal(1UL, restarted.Cursor);
        Assert.True(restarted.Store.Contains("counter", "a"));
        Assert.False(restarted.Store.Contains("note", "b"));
        await restarted.DisposeAsync();
    }

    [Fact]
    public async Task A_value_edited_by_hand_is_reported_and_every_other_record_loads()
    {
        var replica = await OpenAsync("app");
        for (var i = 0; i < 5; i++)
        {
            replica.Mutate("counter.add", CounterMutators.Args($$"""{"id":"c{{i}}","n":1}"""));
        }

        var ids = replica.Pending().Select(m => m.Id).ToList();
        await replica.DisposeAsync();
        _storage.SetItem("app/1/3", "not base64 at all!"); // after the new journal and the sequence number reservation: the second mutation

        var restarted = new Replica(CounterMutators.Table);
        var opened = await restarted.OpenAsync(new LocalStoragePersistence(_storage, "app"));

        Assert.Equal(PersistenceProblemKind.JournalCorrupt, Assert.Single(opened.Problems).Kind);
        Assert.Equal(ids.Where((_, i) => i != 1), restarted.Pending().Select(m => m.Id));
        Assert.Equal("not base64 at all!", _storage.Items["app/1/3"]); // the damaged generation is kept
        Assert.Equal("2", _storage.Items["app/head"]);
        await restarted.DisposeAsync();
    }

    [Fact]
    public async Task A_rewrite_a_closed_page_left_half_done_is_never_read()
    {
        var replica = await OpenAsync("app");
        replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));
        await replica.DisposeAsync();
        // What a page closed in the middle of compacting leaves: the next generation's values, head unchanged.
        for (var n = 0; n < 5; n++)
        {
            _storage.SetItem($"app/2/{n}", Convert.ToBase64String("stale"u8));
        }

        var again = await OpenAsync("app");
        Assert.Single(again.Pending());
        await again.DisposeAsync();
        var third = new Replica(CounterMutators.Table);
        var opened = await third.OpenAsync(new LocalStoragePersistence(_storage, "app"), new JournalOptions { CompactionThresholdBytes = 0 });
        for (var i = 0; i < 5; i++)
        {
            third.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));
        }

        await third.DisposeAsync();
        Assert.True(third.JournalCompactions > 0);

        var fourth = new Replica(CounterMutators.Table);
        var reopened = await fourth.OpenAsync(new LocalStoragePersistence(_storage, "app"));
        Assert.Empty(opened.Problems);
        Assert.Empty(reopened.Problems);
        Assert.Equal(6, fourth.Pending().Count);
        await fourth.DisposeAsync();
    }

    private async Task<Replica> OpenAsync(string name)
    {
        var replica = new Replica(CounterMutators.Table);
        var opened = await replica.OpenAsync(new LocalStoragePersistence(_storage, name));
        Assert.Empty(opened.Problems);
        return replica;
    }
}
