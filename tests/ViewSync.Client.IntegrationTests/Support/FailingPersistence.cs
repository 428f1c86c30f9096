using ViewSync.Mutations;
using ViewSync.Persistence;
using ViewSync.Store;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>A real <see cref="MemoryPersistence"/> whose next appends fail, as a full disk would.</summary>
internal sealed class FailingPersistence : IPersistence
{
    private readonly MemoryPersistence _inner = new();
    private int _failures;

    /// <summary>How many of the next appends fail with an <see cref="IOException"/>.</summary>
    public void FailNextAppends(int count) => Volatile.Write(ref _failures, count);

    public ValueTask<PersistedState> LoadAsync(CancellationToken cancellationToken = default) => _inner.LoadAsync(cancellationToken);

    public async ValueTask AppendAsync(Mutation mutation, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new IOException("No space left on device (test).");
        }

        await _inner.AppendAsync(mutation, cancellationToken);
    }

    public ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => _inner.RemoveAsync(ids, cancellationToken);

    public ValueTask SaveCursorAsync(ulong cursor, CancellationToken cancellationToken = default) => _inner.SaveCursorAsync(cursor, cancellationToken);

    public ValueTask SaveStoreAsync(StoreSnapshot confirmedState, ulong cursor, CancellationToken cancellationToken = default) =>
        _inner.SaveStoreAsync(confirmedState, cursor, cancellationToken);

    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => _inner.ClearAsync(cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
