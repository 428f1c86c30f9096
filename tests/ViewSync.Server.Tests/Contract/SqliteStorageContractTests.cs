using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Contract;

public sealed class SqliteStorageContractTests : StorageContractTests, IAsyncDisposable
{
    private readonly StorageFactory _storages = new();

    protected override Task<ISyncStorage> OpenAsync() => _storages.CreateAsync("sqlite");

    public ValueTask DisposeAsync() => _storages.DisposeAsync();
}
