using ViewSync.Mutations;
using ViewSync.Store;

namespace ViewSync.Persistence;

/// <summary>
/// Keeps a client's durable state: its id, the pending mutation queue, the last sequence number it
/// used, and the confirmed server state (store snapshot) with the cursor it is consistent with.
/// </summary>
/// <remarks>
/// <para>
/// Call <see cref="LoadAsync"/> once before anything else: it opens the storage (creating the client id
/// on first use) and returns what was saved. Every member is thread-safe; writes are applied in the
/// order their calls acquire the instance, and a write is durable when its task completes.
/// </para>
/// <para>
/// The cursor is always the one the saved store is consistent with (protocol rule 1). Save a new
/// store and its cursor together with <see cref="SaveStoreAsync"/>; use <see cref="SaveCursorAsync"/>
/// only when the confirmed state did not change on the way to the new cursor (a pull that returned no
/// changes for this scope).
/// </para>
/// <para>
/// Cancellation is observed until a write starts; a write that has started is completed so the
/// storage is never left half-written.
/// </para>
/// </remarks>
public interface IPersistence : IAsyncDisposable
{
    /// <summary>Opens the storage and returns what it holds. Later calls return the current state again.</summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>
    /// The client id (created and saved on first use), cursor, last sequence number, pending mutations in
    /// queue order and the store, plus any <see cref="PersistedState.Problems"/> found in damaged files
    /// (a load never fails because of damaged data: it keeps what is intact and reports the rest).
    /// </returns>
    ValueTask<PersistedState> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a mutation at the end of the pending queue. A mutation whose id is pending already is ignored.</summary>
    /// <param name="mutation">The mutation.</param>
    /// <param name="cancellationToken">Cancels the call before the write starts.</param>
    /// <returns>A task that completes once the mutation is durable.</returns>
    ValueTask AppendAsync(Mutation mutation, CancellationToken cancellationToken = default);

    /// <summary>Removes mutations from the pending queue, once the server confirmed or rejected them. Unknown ids are ignored.</summary>
    /// <param name="ids">The ids of the mutations to remove.</param>
    /// <param name="cancellationToken">Cancels the call before the write starts.</param>
    /// <returns>A task that completes once the removal is durable.</returns>
    ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Moves the cursor without changing the saved store.</summary>
    /// <param name="cursor">The new cursor. The confirmed state at this cursor must equal the saved store.</param>
    /// <param name="cancellationToken">Cancels the call before the write starts.</param>
    /// <returns>A task that completes once the cursor is durable.</returns>
    ValueTask SaveCursorAsync(ulong cursor, CancellationToken cancellationToken = default);

    /// <summary>Replaces the saved store with the confirmed server state and the cursor it is consistent with, atomically.</summary>
    /// <param name="confirmedState">The server state at <paramref name="cursor"/> (without pending mutations applied).</param>
    /// <param name="cursor">The cursor the state is consistent with.</param>
    /// <param name="cancellationToken">Cancels the call before the write starts.</param>
    /// <returns>A task that completes once both are durable.</returns>
    ValueTask SaveStoreAsync(StoreSnapshot confirmedState, ulong cursor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets the pending mutations, the store and the cursor, for example when the user signs out.
    /// The client id and the last sequence number are kept, so sequence numbers keep increasing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call before the write starts.</param>
    /// <returns>A task that completes once the cleared state is durable.</returns>
    ValueTask ClearAsync(CancellationToken cancellationToken = default);
}
