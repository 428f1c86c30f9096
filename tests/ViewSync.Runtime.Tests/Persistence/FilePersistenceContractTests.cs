using ViewSync.Persistence;

namespace ViewSync.Runtime.Tests.Persistence;

public sealed class FilePersistenceContractTests : PersistenceContractTests
{
    private readonly TempDirectory _directory = new();

    protected override IPersistence CreateInstance() => new FilePersistence(_directory.Path);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
