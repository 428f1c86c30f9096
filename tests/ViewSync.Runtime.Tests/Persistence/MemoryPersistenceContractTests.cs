using ViewSync.Persistence;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>The contract over <see cref="MemoryPersistence"/>: one instance is one location.</summary>
public sealed class MemoryPersistenceContractTests : PersistenceContractTests
{
    private readonly MemoryPersistence _memory = new();

    protected override IPersistence Open() => _memory;
}
