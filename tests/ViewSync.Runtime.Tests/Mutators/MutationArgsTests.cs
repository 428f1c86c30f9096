using System.Text.Json;
using ViewSync.Mutators;

namespace ViewSync.Runtime.Tests.Mutators;

public class MutationArgsTests
{
    [Fact]
    public void Every_primitive_kind_round_trips_through_the_writer_and_the_reader()
    {
        var id = Guid.NewGuid();
        var when = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(1));
        using var writer = new MutationArgsWriter();
        writer.Write("s", "text");
        writer.Write("b", true);
        writer.Write("i", 42);
        writer.Write("l", long.MaxValue);
        writer.Write("d", 1.5);
        writer.Write("f", 2.5f);
        writer.Write("m", 3.25m);
        writer.Write("g", id);
        writer.Write("t", when.UtcDateTime);
        writer.Write("o", when);
        writer.Write("ni", (int?)null);
        writer.Write("ns", (string?)null);

        using var document = JsonDocument.Parse(writer.ToJson());
        var args = new MutationArgs("test", document.RootElement);

        Assert.Equal("text", args.GetString("s"));
        Assert.True(args.GetBoolean("b"));
        Assert.Equal(42, args.GetInt32("i"));
        Assert.Equal(long.MaxValue, args.GetInt64("l"));
        Assert.Equal(1.5, args.GetDouble("d"));
        Assert.Equal(2.5f, args.GetSingle("f"));
        Assert.Equal(3.25m, args.GetDecimal("m"));
        Assert.Equal(id, args.GetGuid("g"));
        Assert.Equal(when.UtcDateTime, args.GetDateTime("t"));
        Assert.Equal(when, args.GetDateTimeOffset("o"));
        Assert.Null(args.GetNullableInt32("ni"));
        Assert.Null(args.GetNullableString("ns"));
        Assert.Null(args.GetNullableBoolean("missing"));
        Assert.True(args.Has("ni"));
        Assert.True(args.IsNull("ni"));
        Assert.False(args.Has("missing"));
    }

    [Fact]
    public void Wrong_or_missing_arguments_are_rejected_with_the_mutator_and_argument_named()
    {
        using var document = JsonDocument.Parse("""{"count": 1.5, "flag": "yes"}""");
        var args = new MutationArgs("todo.count", document.RootElement);

        Assert.Equal("Mutation 'todo.count': argument 'count' must be a 32-bit integer, not a number.",
            Assert.Throws<MutationRejectedException>(() => args.GetInt32("count")).Message);
        Assert.Equal("Mutation 'todo.count': argument 'flag' must be true or false, not a string.",
            Assert.Throws<MutationRejectedException>(() => args.GetBoolean("flag")).Message);
        Assert.Equal("Mutation 'todo.count': argument 'id' is missing.",
            Assert.Throws<MutationRejectedException>(() => args.GetString("id")).Message);
    }

    [Fact]
    public void Args_must_be_an_object()
    {
        using var document = JsonDocument.Parse("[1, 2]");

        var error = Assert.Throws<MutationRejectedException>(() => new MutationArgs("todo.x", document.RootElement));

        Assert.Equal(ErrorCodes.InvalidMutation, error.Code);
        Assert.Contains("must be a JSON object, not an array", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_finished_writer_cannot_be_written_to()
    {
        using var writer = new MutationArgsWriter();
        writer.Write("a", 1);
        Assert.Equal("""{"a":1}""", System.Text.Encoding.UTF8.GetString(writer.ToJson().Span));

        Assert.Throws<ObjectDisposedException>(() => writer.Write("b", 2));
    }
}
