using ViewSync.Persistence;
using ViewSync.Runtime.Tests.Persistence;
using ViewSync.Store;

namespace ViewSync.Browser.Tests;

public sealed class LocalStoragePersistenceContractTests : PersistenceContractTests
{
    private readonly MemoryKeyValueStorage _storage = new();

    protected override IPersistence CreateInstance() => new LocalStoragePersistence(_storage, "app");
}

public sealed class LocalStoragePersistenceTests
{
    private readonly MemoryKeyValueStorage _storage = new();

    [Fact]
    public async Task Everything_lives_under_the_name_as_readable_json()
    {
        await using (var persistence = await OpenAsync())
        {
            await persistence.AppendAsync(TestData.Mutation(1, id: "m1"));
            await persistence.SaveStoreAsync(TestData.Store(todos: 1), 7);
        }

        Assert.All(_storage.Items.Keys, k => Assert.StartsWith("app/", k, StringComparison.Ordinal));
        Assert.Contains("\"client_id\":", _storage.Items["app/client"], StringComparison.Ordinal);
        Assert.Contains("\"id\":\"m1\"", Assert.Single(_storage.Items, i => i.Key.StartsWith("app/m/", StringComparison.Ordinal)).Value, StringComparison.Ordinal);
        Assert.Contains("{\"id\":\"a\",\"title\":\"Buy milk\"}", _storage.Items["app/store"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_names_in_one_storage_do_not_see_each_other()
    {
        await using (var one = new LocalStoragePersistence(_storage, "one"))
        await using (var two = new LocalStoragePersistence(_storage, "two"))
        {
            await one.LoadAsync();
            await two.LoadAsync();
            await one.AppendAsync(TestData.Mutation(1, id: "for-one"));
            await two.SaveStoreAsync(TestData.Store(todos: 2), 3);
        }

        await using var oneAgain = new LocalStoragePersistence(_storage, "one");
        await using var twoAgain = new LocalStoragePersistence(_storage, "two");
        var first = await oneAgain.LoadAsync();
        var second = await twoAgain.LoadAsync();

        Assert.Equal(["for-one"], first.Pending.Select(m => m.Id));
        Assert.Same(StoreSnapshot.Empty, first.Store);
        Assert.Empty(second.Pending);
        Assert.Equal(3UL, second.Cursor);
        Assert.NotEqual(first.ClientId, second.ClientId);
    }

    [Fact]
    public async Task A_second_page_on_the_same_name_is_refused_until_the_first_lets_go()
    {
        var first = await OpenAsync();

        var error = await Assert.ThrowsAsync<PersistenceLockedException>(() => new LocalStoragePersistence(_storage, "app").LoadAsync().AsTask());
        Assert.Contains("another tab", error.Message, StringComparison.Ordinal);

        await first.DisposeAsync();
        await using var second = await OpenAsync();
    }

    [Fact]
    public async Task A_full_storage_refuses_the_append_and_keeps_everything_else()
    {
        await using var persistence = await OpenAsync();
        await persistence.AppendAsync(TestData.Mutation(1, id: "kept"));
        _storage.Quota = _storage.Items.Sum(i => i.Key.Length + i.Value.Length) + 10;

        var error = await Assert.ThrowsAsync<IOException>(() => persistence.AppendAsync(TestData.Mutation(2, id: "big", padding: 1000)).AsTask());

        Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
        Assert.Equal(["kept"], (await persistence.LoadAsync()).Pending.Select(m => m.Id));
        await persistence.DisposeAsync();
        Assert.Equal(["kept"], (await (await OpenAsync()).LoadAsync()).Pending.Select(m => m.Id));
    }

    [Fact]
    public async Task A_page_closed_between_the_store_and_cursor_writes_loads_the_new_store_with_its_cursor()
    {
        await using (var persistence = await OpenAsync())
        {
            await persistence.SaveStoreAsync(TestData.Store(todos: 1), 5);
            await persistence.SaveCursorAsync(9);
            _storage.Refused.Add("app/cursor");
            await persistence.SaveStoreAsync(TestData.Store(todos: 4), 12);
        }

        await using var reopened = await OpenAsync();
        var state = await reopened.LoadAsync();

        Assert.Equal(12UL, state.Cursor);
        TestData.AssertSameStore(TestData.Store(todos: 4), state.Store);
    }

    [Fact]
    public async Task Damaged_records_are_dropped_reported_once_and_the_rest_loads()
    {
        await using (var persistence = await OpenAsync())
        {
            for (var seq = 1UL; seq <= 3; seq++)
            {
                await persistence.AppendAsync(TestData.Mutation(seq, id: $"m{seq}"));
            }

            await persistence.SaveStoreAsync(TestData.Store(), 4);
        }

        var second = _storage.Items.Keys.Where(k => k.StartsWith("app/m/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ElementAt(1);
        _storage.SetItem(second, "{\"created_at\":\"not a date\"");
        _storage.SetItem("app/store", "[1,2");

        await using (var damaged = new LocalStoragePersistence(_storage, "app"))
        {
            var state = await damaged.LoadAsync();

            Assert.Equal(["m1", "m3"], state.Pending.Select(m => m.Id));
            Assert.Equal(3UL, state.LastSeq);
            Assert.Same(StoreSnapshot.Empty, state.Store);
            Assert.Equal(0UL, state.Cursor);
            Assert.Equal(
                [PersistenceProblemKind.JournalCorrupt, PersistenceProblemKind.StoreCorrupt],
                state.Problems.Select(p => p.Kind).Order());
            Assert.Contains(state.Problems, p => p.File == $"localStorage:{second}");
        }

        await using var repaired = new LocalStoragePersistence(_storage, "app");
        var again = await repaired.LoadAsync();
        Assert.Empty(again.Problems);
        Assert.Equal(["m1", "m3"], again.Pending.Select(m => m.Id));
    }

    [Fact]
    public async Task A_damaged_client_record_gets_a_new_id_and_keeps_the_queue()
    {
        string firstId;
        await using (var persistence = await OpenAsync())
        {
            firstId = (await persistence.LoadAsync()).ClientId;
            await persistence.AppendAsync(TestData.Mutation(6, id: "m6"));
        }

        _storage.SetItem("app/client", "garbage");
        await using var reopened = new LocalStoragePersistence(_storage, "app");
        var state = await reopened.LoadAsync();

        Assert.NotEqual(firstId, state.ClientId);
        Assert.Equal(6UL, state.LastSeq);
        Assert.Equal(["m6"], state.Pending.Select(m => m.Id));
        Assert.Equal(PersistenceProblemKind.JournalCorrupt, Assert.Single(state.Problems).Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a/b")]
    public void Bad_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new LocalStoragePersistence(_storage, name));

    private async Task<LocalStoragePersistence> OpenAsync()
    {
        var persistence = new LocalStoragePersistence(_storage, "app");
        await persistence.LoadAsync();
        return persistence;
    }
}
