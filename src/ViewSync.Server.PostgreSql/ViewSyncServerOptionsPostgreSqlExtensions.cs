using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ViewSync.Server.Http;

namespace ViewSync.Server.PostgreSql;

/// <summary>Selects PostgreSQL storage for the ViewSync server.</summary>
public static class ViewSyncServerOptionsPostgreSqlExtensions
{
    /// <summary>
    /// Keeps state, log and applied ids in PostgreSQL, so several stateless server nodes behind any load balancer
    /// can share them; live clients of every node hear every node's changes. The schema is created on first start.
    /// </summary>
    /// <param name="options">The server options.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=app;Username=app;Password=…</c>.</param>
    /// <param name="configure">Adjusts the storage's settings (schema name, listening, logging). Without a
    /// <see cref="PostgreSqlSyncStorageOptions.LoggerFactory"/> of its own, the storage logs through the app's.</param>
    /// <returns>The options.</returns>
    public static ViewSyncServerOptions UsePostgreSql(this ViewSyncServerOptions options, string connectionString, Action<PostgreSqlSyncStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var storageOptions = new PostgreSqlSyncStorageOptions();
        configure?.Invoke(storageOptions);
        PostgreSqlSchema.Validate(storageOptions.Schema);
        options.StorageFactory = services =>
        {
            storageOptions.LoggerFactory ??= services.GetService<ILoggerFactory>();
            return PostgreSqlSyncStorage.Open(connectionString, storageOptions);
        };
        return options;
    }
}
