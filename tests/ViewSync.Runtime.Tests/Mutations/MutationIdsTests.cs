using ViewSync.Mutations;

namespace ViewSync.Runtime.Tests.Mutations;

public class MutationIdsTests
{
    [Fact]
    public void Mutation_ids_are_32_lowercase_hex_digits_and_unique()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => MutationIds.NewMutationId()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Client_ids_are_16_lowercase_hex_digits_and_unique()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => MutationIds.NewClientId()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{16}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
