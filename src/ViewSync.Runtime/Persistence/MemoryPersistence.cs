using ViewSync.Mutations;
using ViewSync.Store;

namespace ViewSync.Persistence;

/// <summary>
/// An <see cref="IPersistence"/> that keeps everything in memory, for tests and for apps that need no
/// durability.
/// </summary>
/// <remarks>
/// It follows the same rules as <see cref="FilePersistence"/> (load first, duplicate appends ignored,
/// clear keeps the client id and last sequence number) and keeps its own copies, so callers cannot
/// change its contents behind its back. <see cref="DisposeAsync"/> keeps the data: loading the same
/// instance again simulates a restart.
/// </remarks>
public sealed class MemoryPersistence : IPersistence
{
    private readonly Lock _gate = new();
    private readonly MutationQueue _pending = new();
    private string? _clientId;
    private ulong _cursor;
    private ulong _lastSeq;
    private StoreSnapshot _store = StoreSnapshot.Empty;

    /// <summary>Creates an empty persistence.</summary>
    /// <param name="clientId">The client id to report; a new random one is created on first load when null.</param>
    /// <exception cref="ArgumentException"><paramref name="clientId"/> is empty or white space.</exception>
    public MemoryPersistence(string? clientId = null)
    {
        if (clientId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        }

        _clientId = clientId;
    }

    /// <summary>Whether <see cref="LoadAsync"/> has been called.</summary>
    public bool IsLoaded { get; private set; }

    /// <inheritdoc/>
    public ValueTask<PersistedState> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<PersistedState>(cancellationToken);
        }

        lock (_gate)
        {
            _clientId ??= MutationIds.NewClientId();
            IsLoaded = true;
            return ValueTask.FromResult(new PersistedState(_clientId, _cursor, _lastSeq, _pending.Pending(), _store, []));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    public ValueTask AppendAsync(Mutation mutation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        return Write(nameof(AppendAsync), () =>
        {
            if (!_pending.Contains(mutation.Id))
            {
                _pending.Push(mutation);
                _lastSeq = Math.Max(_lastSeq, mutation.Seq);
            }
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    public ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var copy = ids.ToArray();
        foreach (var id in copy)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(ids));
        }

        return Write(nameof(RemoveAsync), () => _pending.RemoveRange(copy), cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    public ValueTask SaveCursorAsync(ulong cursor, CancellationToken cancellationToken = default) =>
        Write(nameof(SaveCursorAsync), () => _cursor = cursor, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    public ValueTask SaveStoreAsync(StoreSnapshot confirmedState, ulong cursor, CancellationToken cancellationToken = default)
    {
        // Snapshots are immutable, so keeping the reference is as good as a copy.
        ArgumentNullException.ThrowIfNull(confirmedState);
        return Write(nameof(SaveStoreAsync), () =>
        {
            _store = confirmedState;
            _cursor = cursor;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    public ValueTask ClearAsync(CancellationToken cancellationToken = default) =>
        Write(nameof(ClearAsync), () =>
        {
            _pending.Clear();
            _store = StoreSnapshot.Empty;
            _cursor = 0;
        }, cancellationToken);

    /// <summary>Does nothing: the data stays, so the instance can be loaded again.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ValueTask Write(string operation, Action write, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        lock (_gate)
        {
            if (!IsLoaded)
            {
                throw new InvalidOperationException($"Call LoadAsync before {operation}: it creates the client id and returns the saved state.");
            }

            write();
        }

        return ValueTask.CompletedTask;
    }
}
