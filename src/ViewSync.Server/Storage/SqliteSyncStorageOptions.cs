namespace ViewSync.Server.Storage;

/// <summary>Settings of <see cref="SqliteSyncStorage"/>.</summary>
public sealed class SqliteSyncStorageOptions
{
    /// <summary>How hard each commit waits for the disk. Defaults to <see cref="SqliteSynchronous.Full"/>.</summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;
}

/// <summary>SQLite's <c>synchronous</c> setting, in WAL mode.</summary>
public enum SqliteSynchronous
{
    /// <summary>Every commit is on disk before it returns: survives power loss.</summary>
    Full,

    /// <summary>Commits survive a process crash; the last ones may be lost on power loss. Faster.</summary>
    Normal,
}
