using System.Text.Json;
using ViewSync.Mutators;
using ViewSync.Store;

namespace ViewSync.Runtime.Tests.Mutators;

public class MutatorTableTests
{
    [Fact]
    public void Registering_a_name_twice_is_refused()
    {
        var builder = new MutatorTable.Builder().Add("a.b", (_, _) => { });

        var error = Assert.Throws<ArgumentException>(() => builder.Add("a.b", (_, _) => { }));

        Assert.Contains("'a.b' is registered twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_written_mutator_runs_against_the_transaction()
    {
        var table = new MutatorTable.Builder()
            .Add("counter.set", (tx, args) => tx.Put("counter", args.GetString("id"), JsonSerializer.SerializeToUtf8Bytes(args.GetInt32("value"), CounterJson.Default.Int32)))
            .Build();
        var transaction = new BufferedTransaction(new LocalStore());
        using var args = JsonDocument.Parse("""{"id":"c","value":7}""");

        table.Apply(transaction, "counter.set", args.RootElement);

        Assert.True(transaction.TryGet("counter", "c", out ReadOnlyMemory<byte> json));
        Assert.Equal("7", System.Text.Encoding.UTF8.GetString(json.Span));
        Assert.True(table.Contains("counter.set"));
        Assert.Empty(table.Entities);
    }

    [Fact]
    public void The_empty_table_knows_no_mutator()
    {
        using var args = JsonDocument.Parse("{}");

        var error = Assert.Throws<MutationRejectedException>(() => MutatorTable.Empty.Apply(new BufferedTransaction(new LocalStore()), "x.y", args.RootElement));

        Assert.Equal(ErrorCodes.InvalidMutation, error.Code);
    }

}

[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
internal sealed partial class CounterJson : System.Text.Json.Serialization.JsonSerializerContext;
