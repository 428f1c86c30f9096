using ViewSync.Server.Storage;

namespace ViewSync.Server.Tests.Support;

/// <summary>Creates each storage kind for theory tests; SQLite on a fresh temp file.</summary>
internal sealed class StorageFactory : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"viewsync-server-{Guid.NewGuid():N}");

    public static TheoryData<string> Kinds => ["memory", "sqlite"];

    public string DatabasePath => Path.Combine(_directory, "sync.db");

    public async Task<ISyncStorage> CreateAsync(string kind) => kind switch
    {
        "memory" => new InMemorySyncStorage(),
        "sqlite" => await SqliteSyncStorage.OpenAsync(DatabasePath, new SqliteSyncStorageOptions { Synchronous = SqliteSynchronous.Normal }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
