using Microsoft.Extensions.Logging;

namespace ViewSync.Server.PostgreSql;

/// <summary>Settings of <see cref="PostgreSqlSyncStorage"/>.</summary>
public sealed class PostgreSqlSyncStorageOptions
{
    /// <summary>The default <see cref="Schema"/>.</summary>
    public const string DefaultSchema = "viewsync";

    /// <summary>
    /// The PostgreSQL schema holding ViewSync's tables; created when missing. Lower-case letters, digits and
    /// underscores, starting with a letter or underscore. Default: <c>viewsync</c>. Every node of one deployment uses the same.
    /// </summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>
    /// Whether this node keeps a connection that listens for changes committed by other nodes (LISTEN/NOTIFY) and
    /// wakes its own live subscribers. Default: true. Off only for a single node, or tools that never serve live clients.
    /// </summary>
    public bool ListenForChanges { get; set; } = true;

    /// <summary>The longest wait between attempts to reconnect the listening connection. Default: 30 seconds.</summary>
    public TimeSpan MaxListenRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where to log (listener reconnects); null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
