using ViewSync.Mutators;

namespace ViewSync;

/// <summary>
/// What every generated database offers statically, so generic code (dependency injection, tooling)
/// can create one: <c>services.AddViewSync&lt;TodoDb&gt;(...)</c>.
/// </summary>
/// <typeparam name="TSelf">The database type.</typeparam>
public interface ISyncDatabase<TSelf>
    where TSelf : SyncDatabase, ISyncDatabase<TSelf>
{
    /// <summary>The database's mutators, including the built-in entity mutators.</summary>
    static abstract MutatorTable Mutators { get; }

    /// <summary>Creates the database over a sync client.</summary>
    /// <param name="client">The client, created with <see cref="Mutators"/>.</param>
    /// <returns>The database.</returns>
    static abstract TSelf Create(SyncClient client);
}
