using ViewSync.Mutations;
using ViewSync.Store;

namespace ViewSync.Persistence;

/// <summary>What <see cref="IPersistence.LoadAsync"/> returns: a client's saved state.</summary>
public sealed class PersistedState
{
    /// <summary>Creates a loaded state.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="cursor">The cursor <paramref name="store"/> is consistent with (0 when nothing was pulled yet).</param>
    /// <param name="lastSeq">The highest sequence number the client used (0 when none).</param>
    /// <param name="pending">The pending mutations, oldest first.</param>
    /// <param name="store">The confirmed server state.</param>
    /// <param name="problems">What had to be dropped from damaged files; empty when everything loaded.</param>
    /// <exception cref="ArgumentException"><paramref name="clientId"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException">A list or the store is null.</exception>
    public PersistedState(
        string clientId,
        ulong cursor,
        ulong lastSeq,
        IReadOnlyList<Mutation> pending,
        StoreSnapshot store,
        IReadOnlyList<PersistenceProblem> problems)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(problems);
        ClientId = clientId;
        Cursor = cursor;
        LastSeq = lastSeq;
        Pending = pending;
        Store = store;
        Problems = problems;
    }

    /// <summary>The client id: created once per installation and kept from then on.</summary>
    public string ClientId { get; }

    /// <summary>The cursor <see cref="Store"/> is consistent with; 0 means "take a snapshot".</summary>
    public ulong Cursor { get; }

    /// <summary>
    /// The highest sequence number the client used, kept even after its mutations were removed. Start a
    /// <see cref="MutationFactory"/> from it.
    /// </summary>
    public ulong LastSeq { get; }

    /// <summary>The mutations still waiting for the server, oldest first.</summary>
    public IReadOnlyList<Mutation> Pending { get; }

    /// <summary>The confirmed server state at <see cref="Cursor"/>; <see cref="StoreSnapshot.Empty"/> when none was saved.</summary>
    public StoreSnapshot Store { get; }

    /// <summary>
    /// Damage found while loading and what was dropped because of it. Empty when everything loaded.
    /// The storage is repaired by the load, so the same damage is not reported twice.
    /// </summary>
    /// <remarks>
    /// A damaged journal loses the records from the damage on, so <see cref="LastSeq"/> may be lower than
    /// a sequence number already sent; a damaged store comes back empty with cursor 0 so the client takes
    /// a new snapshot, while the pending mutations are kept.
    /// </remarks>
    public IReadOnlyList<PersistenceProblem> Problems { get; }
}
