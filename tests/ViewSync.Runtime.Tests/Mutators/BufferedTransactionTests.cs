using System.Text;
using ViewSync.Mutators;
using ViewSync.Store;

namespace ViewSync.Runtime.Tests.Mutators;

public class BufferedTransactionTests
{
    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Read(IEntityReader reader, string id) =>
        reader.TryGet("todo", id, out ReadOnlyMemory<byte> json) ? Encoding.UTF8.GetString(json.Span) : null;

    [Fact]
    public void Reads_see_own_writes_over_the_state_and_the_state_stays_untouched()
    {
        var state = new LocalStore();
        state.Set("todo", "a", Json("1"));
        state.Set("todo", "b", Json("2"));
        var transaction = new BufferedTransaction(state);

        transaction.Put("todo", "a", Json("10"));
        transaction.Delete("todo", "b");
        transaction.Put("todo", "c", Json("3"));

        Assert.Equal("10", Read(transaction, "a"));
        Assert.Null(Read(transaction, "b"));
        Assert.Equal(["a", "c"], transaction.Ids("todo"));
        Assert.Equal("1", Read(state, "a"));
        Assert.Equal("2", Read(state, "b"));
    }

    [Fact]
    public void Writes_hold_the_last_write_of_each_entity_in_first_write_order()
    {
        var transaction = new BufferedTransaction(new LocalStore());

        transaction.Put("todo", "b", Json("1"));
        transaction.Put("todo", "a", Json("1"));
        transaction.Put("todo", "b", Json("2"));
        transaction.Delete("todo", "a");

        var writes = transaction.Writes;
        Assert.Equal([("todo", "b"), ("todo", "a")], writes.Select(w => (w.Entity, w.Id)));
        Assert.Equal("2", Encoding.UTF8.GetString(writes[0].Json!.Value.Span));
        Assert.True(writes[1].IsDelete);
        Assert.Null(writes[1].Json);
    }

    [Fact]
    public void Put_refuses_invalid_json_and_Reset_forgets_everything()
    {
        var transaction = new BufferedTransaction(new LocalStore());

        Assert.Throws<ArgumentException>(() => transaction.Put("todo", "a", Json("{")));
        transaction.Put("todo", "a", Json("1"));
        transaction.Reset();

        Assert.False(transaction.HasWrites);
        Assert.Null(Read(transaction, "a"));
    }
}
