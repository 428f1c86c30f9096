using Npgsql;
using ViewSync.Server.PostgreSql;
using ViewSync.Tests.PostgreSql;

namespace ViewSync.Server.PostgreSql.Tests;

/// <summary>One throwaway PostgreSQL for the whole test assembly; each test works in its own schema.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;

    internal PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>The superuser's connection string.</summary>
    public string ConnectionString => Cluster.ConnectionString;

    /// <summary>A schema name no other test uses.</summary>
    public static string NewSchema() => $"t_{Guid.NewGuid():N}";

    /// <summary>Opens a storage ("a node") on <paramref name="schema"/>.</summary>
    public Task<PostgreSqlSyncStorage> OpenAsync(string schema, bool listen = true) =>
        PostgreSqlSyncStorage.OpenAsync(ConnectionString, new PostgreSqlSyncStorageOptions { Schema = schema, ListenForChanges = listen });

    /// <summary>Runs one statement on its own connection.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async Task InitializeAsync() => _cluster = await PostgresCluster.StartAsync();

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
