using ViewSync.Mutations;
using ViewSync.Persistence;

namespace ViewSync.Runtime.Tests.Persistence;

public sealed class MemoryPersistenceContractTests : PersistenceContractTests
{
    private readonly MemoryPersistence _persistence = new();

    // Disposing a MemoryPersistence keeps its data, so "restarting" reuses the instance.
    protected override IPersistence CreateInstance() => _persistence;

    [Fact]
    public async Task A_given_client_id_is_reported()
    {
        await using var persistence = new MemoryPersistence(TestData.ClientId);

        Assert.Equal(TestData.ClientId, (await persistence.LoadAsync()).ClientId);
        Assert.Throws<ArgumentException>(() => new MemoryPersistence(" "));
    }

    [Fact]
    public async Task Callers_cannot_change_its_contents_afterwards()
    {
        await using var persistence = new MemoryPersistence();
        await persistence.LoadAsync();
        await persistence.AppendAsync(TestData.Mutation(1, id: "a"));
        await persistence.AppendAsync(TestData.Mutation(2, id: "b"));
        var ids = new List<string> { "a" };

        await persistence.RemoveAsync(ids);
        ids.Add("b");
        var state = await persistence.LoadAsync();

        Assert.Equal(["b"], state.Pending.Select(m => m.Id));
        Assert.Throws<NotSupportedException>(() => ((IList<Mutation>)state.Pending).Add(TestData.Mutation(3)));
    }
}
