using ViewSync.Server.Engine;

namespace ViewSync.Server.Storage;

/// <summary>
/// Implemented by a storage shared by several server nodes (PostgreSQL): it reports changes that other
/// nodes committed, so this node can wake its own live subscribers. In-process storages do not implement it.
/// </summary>
public interface ISyncStorageChangeFeed
{
    /// <summary>
    /// Raised, on any thread, after another node committed changes to a scope. Only says "pull now": a
    /// notification may be lost (e.g. while reconnecting), and clients still poll. Handlers must be fast and must not throw.
    /// </summary>
    event EventHandler<LogAdvancedEventArgs>? RemoteLogAdvanced;
}
