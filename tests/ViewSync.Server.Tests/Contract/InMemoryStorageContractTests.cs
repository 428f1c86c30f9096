using ViewSync.Server.Storage;

namespace ViewSync.Server.Tests.Contract;

public sealed class InMemoryStorageContractTests : StorageContractTests
{
    protected override Task<ISyncStorage> OpenAsync() => Task.FromResult<ISyncStorage>(new InMemorySyncStorage());
}
