using ViewSync.Mutations;
using ViewSync.Persistence;
using ViewSync.Store;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>The behaviour every <see cref="IPersistence"/> shares, run against each implementation.</summary>
public abstract class PersistenceContractTests : IAsyncLifetime
{
    private IPersistence? _current;

    /// <summary>Creates an instance over this test's storage; a new instance sees what earlier ones saved.</summary>
    protected abstract IPersistence CreateInstance();

    protected async Task<IPersistence> OpenAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync();
        }

        _current = CreateInstance();
        return _current;
    }

    /// <summary>Disposes the current instance and loads a new one, as a restart does.</summary>
    protected async Task<(IPersistence Persistence, PersistedState State)> RestartAsync()
    {
        var persistence = await OpenAsync();
        return (persistence, await persistence.LoadAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync();
        }
    }

    [Fact]
    public async Task First_load_creates_a_client_id_that_stays_the_same()
    {
        var (_, first) = await RestartAsync();

        Assert.Matches("^[0-9a-f]{16}$", first.ClientId);
        Assert.Equal(0UL, first.Cursor);
        Assert.Equal(0UL, first.LastSeq);
        Assert.Empty(first.Pending);
        Assert.Same(StoreSnapshot.Empty, first.Store);
        Assert.Empty(first.Problems);

        var (_, second) = await RestartAsync();
        Assert.Equal(first.ClientId, second.ClientId);
    }

    [Fact]
    public async Task Appended_mutations_come_back_in_order_with_every_field()
    {
        var (persistence, _) = await RestartAsync();
        var mutations = new[] { TestData.Mutation(3), TestData.Mutation(1), TestData.Mutation(2) };
        foreach (var mutation in mutations)
        {
            await persistence.AppendAsync(mutation);
        }

        var (_, state) = await RestartAsync();

        Assert.Equal(mutations, state.Pending);
        Assert.Equal(3UL, state.LastSeq);
    }

    [Fact]
    public async Task Appending_an_id_that_is_pending_is_ignored()
    {
        var (persistence, _) = await RestartAsync();
        var original = TestData.Mutation(1, id: "same");
        await persistence.AppendAsync(original);
        await persistence.AppendAsync(TestData.Mutation(2));
        await persistence.AppendAsync(TestData.Mutation(5, id: "same"));

        var (_, state) = await RestartAsync();

        Assert.Equal(2, state.Pending.Count);
        Assert.Equal(original, state.Pending[0]);
        Assert.Equal(2UL, state.LastSeq);
    }

    [Fact]
    public async Task Removed_mutations_stay_removed_and_the_last_seq_survives_an_empty_queue()
    {
        var (persistence, _) = await RestartAsync();
        var mutations = Enumerable.Range(1, 5).Select(i => TestData.Mutation((ulong)i)).ToList();
        foreach (var mutation in mutations)
        {
            await persistence.AppendAsync(mutation);
        }

        await persistence.RemoveAsync([mutations[0].Id, mutations[2].Id, "not-pending"]);
        var (restarted, state) = await RestartAsync();
        Assert.Equal([mutations[1], mutations[3], mutations[4]], state.Pending);

        await restarted.RemoveAsync(state.Pending.Select(m => m.Id).ToList());
        (_, state) = await RestartAsync();
        Assert.Empty(state.Pending);
        Assert.Equal(5UL, state.LastSeq);
    }

    [Fact]
    public async Task A_removed_id_can_be_appended_again()
    {
        var (persistence, _) = await RestartAsync();
        await persistence.AppendAsync(TestData.Mutation(1, id: "x"));
        await persistence.AppendAsync(TestData.Mutation(2, id: "y"));
        await persistence.RemoveAsync(["x"]);
        await persistence.AppendAsync(TestData.Mutation(3, id: "x"));

        var (_, state) = await RestartAsync();

        Assert.Equal(["y", "x"], state.Pending.Select(m => m.Id));
    }

    [Fact]
    public async Task Cursor_round_trips()
    {
        var (persistence, _) = await RestartAsync();
        await persistence.SaveCursorAsync(42);
        await persistence.SaveCursorAsync(ulong.MaxValue);

        var (_, state) = await RestartAsync();

        Assert.Equal(ulong.MaxValue, state.Cursor);
    }

    [Fact]
    public async Task Store_round_trips_with_its_cursor_byte_for_byte()
    {
        var (persistence, _) = await RestartAsync();
        var store = TestData.Store(todos: 50);
        await persistence.AppendAsync(TestData.Mutation(7));
        await persistence.SaveStoreAsync(store, cursor: 1234);

        var (_, state) = await RestartAsync();

        TestData.AssertSameStore(store, state.Store);
        Assert.Equal(1234UL, state.Cursor);
        Assert.Single(state.Pending);
    }

    [Fact]
    public async Task A_cursor_saved_after_the_store_wins_and_a_later_store_wins_over_it()
    {
        var (persistence, _) = await RestartAsync();
        await persistence.SaveStoreAsync(TestData.Store(), cursor: 10);
        await persistence.SaveCursorAsync(15);
        var (restarted, state) = await RestartAsync();
        Assert.Equal(15UL, state.Cursor);

        var newer = TestData.Store(todos: 1);
        await restarted.SaveStoreAsync(newer, cursor: 12);
        (_, state) = await RestartAsync();
        Assert.Equal(12UL, state.Cursor);
        TestData.AssertSameStore(newer, state.Store);
    }

    [Fact]
    public async Task Clear_forgets_queue_store_and_cursor_but_keeps_client_id_and_last_seq()
    {
        var (persistence, loaded) = await RestartAsync();
        await persistence.AppendAsync(TestData.Mutation(9));
        await persistence.SaveStoreAsync(TestData.Store(), cursor: 100);

        await persistence.ClearAsync();
        var (restarted, state) = await RestartAsync();

        Assert.Equal(loaded.ClientId, state.ClientId);
        Assert.Equal(9UL, state.LastSeq);
        Assert.Empty(state.Pending);
        Assert.Equal(0, state.Store.Count);
        Assert.Equal(0UL, state.Cursor);

        await restarted.SaveCursorAsync(3);
        await restarted.AppendAsync(TestData.Mutation(10));
        (_, state) = await RestartAsync();
        Assert.Equal(3UL, state.Cursor);
        Assert.Single(state.Pending);
    }

    [Fact]
    public async Task Writes_before_LoadAsync_throw_an_actionable_InvalidOperationException()
    {
        var persistence = await OpenAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => persistence.AppendAsync(TestData.Mutation(1)).AsTask());
        Assert.Contains("Call LoadAsync before AppendAsync", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => persistence.RemoveAsync(["x"]).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => persistence.SaveCursorAsync(1).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => persistence.SaveStoreAsync(StoreSnapshot.Empty, 1).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => persistence.ClearAsync().AsTask());
    }

    [Fact]
    public async Task A_cancelled_call_writes_nothing()
    {
        var (persistence, _) = await RestartAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => persistence.AppendAsync(TestData.Mutation(1), cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => persistence.SaveCursorAsync(5, cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => persistence.SaveStoreAsync(TestData.Store(), 5, cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => persistence.LoadAsync(cancelled.Token).AsTask());

        var (_, state) = await RestartAsync();
        Assert.Empty(state.Pending);
        Assert.Equal(0UL, state.Cursor);
        Assert.Equal(0, state.Store.Count);
    }

    [Fact]
    public async Task Concurrent_appends_are_all_kept_once()
    {
        var (persistence, _) = await RestartAsync();
        var mutations = Enumerable.Range(1, 200).Select(i => TestData.Mutation((ulong)i)).ToList();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < mutations.Count; i += 4)
            {
                await persistence.AppendAsync(mutations[i]);
                await persistence.AppendAsync(mutations[i]);
            }
        })));

        var (_, state) = await RestartAsync();
        Assert.Equal(mutations.Select(m => m.Id).Order(StringComparer.Ordinal), state.Pending.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Equal(200UL, state.LastSeq);
    }

    [Fact]
    public async Task Later_loads_return_the_current_state()
    {
        var (persistence, _) = await RestartAsync();
        await persistence.AppendAsync(TestData.Mutation(1));
        await persistence.SaveCursorAsync(8);

        var state = await persistence.LoadAsync();

        Assert.Single(state.Pending);
        Assert.Equal(8UL, state.Cursor);
    }

    [Fact]
    public async Task Null_arguments_are_refused()
    {
        var (persistence, _) = await RestartAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(() => persistence.AppendAsync(null!).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => persistence.RemoveAsync(null!).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => persistence.RemoveAsync([null!]).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => persistence.SaveStoreAsync(null!, 1).AsTask());
    }
}
