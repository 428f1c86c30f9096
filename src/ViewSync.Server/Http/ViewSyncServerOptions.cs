using ViewSync.Mutators;
using ViewSync.Server.Engine;
using ViewSync.Server.Storage;

namespace ViewSync.Server.Http;

/// <summary>Settings of the ViewSync server (<c>services.AddViewSyncServer(o => ...)</c>).</summary>
public sealed class ViewSyncServerOptions
{
    /// <summary>The app's mutators, usually a generated database's <c>Mutators</c>.</summary>
    public MutatorTable Mutators { get; set; } = MutatorTable.Empty;

    /// <summary>Handles mutations the table does not know; see <see cref="SyncEngineOptions.RawApply"/>.</summary>
    public RawMutationHandler? RawApply { get; set; }

    /// <summary>
    /// Decides which scope a request may use: return the claimed scope (or another one, to map it to
    /// the caller's own) to allow, or null to refuse with <c>403</c>. Push, pull, snapshot and live all
    /// go through it. By default every scope is allowed.
    /// </summary>
    public Func<ScopeAuthorizationContext, ValueTask<string?>> AuthorizeScope { get; set; } = static context => ValueTask.FromResult<string?>(context.ClaimedScope);

    /// <summary>How long log entries are kept before trimming (clients further behind take a snapshot). Null keeps everything.</summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>How often trimming runs when <see cref="Retention"/> is set.</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many notifications may wait for one live subscriber before it is disconnected as too slow.</summary>
    public int LiveSendQueueCapacity { get; set; } = 64;

    /// <summary>How often live connections are pinged to keep them open and detect dead peers.</summary>
    public TimeSpan LiveKeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Creates the storage; set with <see cref="UseSqlite"/> or <see cref="UseInMemory"/>. Defaults to in-memory.</summary>
    public Func<ISyncStorage> StorageFactory { get; set; } = static () => new InMemorySyncStorage();

    /// <summary>Keeps state, log and applied ids in a SQLite file.</summary>
    /// <param name="path">The database file; created when missing.</param>
    /// <param name="synchronous">How hard each commit waits for the disk.</param>
    /// <returns>These options.</returns>
    public ViewSyncServerOptions UseSqlite(string path, SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        StorageFactory = () => SqliteSyncStorage.Open(path, new SqliteSyncStorageOptions { Synchronous = synchronous });
        return this;
    }

    /// <summary>Keeps everything in memory (lost when the process ends): for tests and demos.</summary>
    /// <returns>These options.</returns>
    public ViewSyncServerOptions UseInMemory()
    {
        StorageFactory = static () => new InMemorySyncStorage();
        return this;
    }
}
