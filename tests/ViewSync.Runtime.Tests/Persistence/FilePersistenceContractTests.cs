using ViewSync.Persistence;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>The contract over <see cref="FilePersistence"/>: one directory is one location.</summary>
public sealed class FilePersistenceContractTests : PersistenceContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    protected override IPersistence Open() => new FilePersistence(_directory.Path);
}
