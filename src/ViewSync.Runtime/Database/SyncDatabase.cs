using ViewSync.Mutators;
using ViewSync.Store;

namespace ViewSync;

/// <summary>
/// The base of generated databases (<c>[SyncDatabase] partial class TodoDb</c>): it holds the
/// <see cref="ViewSync.Replica"/> that the typed collections read and the <c>Mutate</c> helpers write.
/// </summary>
public abstract class SyncDatabase
{
    /// <summary>Binds the database to a replica.</summary>
    /// <param name="replica">The replica; it must apply this database's mutator table.</param>
    /// <param name="mutators">The database's generated mutator table.</param>
    /// <exception cref="ArgumentException">The replica was created with a different mutator table.</exception>
    protected SyncDatabase(Replica replica, MutatorTable mutators)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(mutators);
        if (!ReferenceEquals(replica.Mutators, mutators))
        {
            throw new ArgumentException(
                $"The replica applies a different mutator table than {GetType().Name}. Create it with new Replica({GetType().Name}.Mutators, ...).",
                nameof(replica));
        }

        Replica = replica;
    }

    /// <summary>The replica underneath: confirmed state, pending mutations and the visible store.</summary>
    public Replica Replica { get; }

    /// <summary>The visible store, for untyped reads.</summary>
    public LocalStore Store => Replica.Store;

    /// <summary>The number of mutations the server has not confirmed yet, as a signal.</summary>
    public IReadOnlySignal<int> PendingCount => Replica.PendingCount;
}
