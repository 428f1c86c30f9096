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

    [Fact]
    public void NaN_and_the_infinities_travel_as_named_literals_and_come_back()
    {
        using var writer = new MutationArgsWriter();
        writer.Write("nan", double.NaN);
        writer.Write("pos", double.PositiveInfinity);
        writer.Write("neg", (double?)double.NegativeInfinity);
        writer.Write("fnan", float.NaN);
        writer.Write("fneg", (float?)float.NegativeInfinity);
        writer.Write("zero", -0.0);

        var json = writer.ToJson();
        Assert.Equal("""{"nan":"NaN","pos":"Infinity","neg":"-Infinity","fnan":"NaN","fneg":"-Infinity","zero":-0}""", System.Text.Encoding.UTF8.GetString(json.Span));
        using var document = JsonDocument.Parse(json);
        var args = new MutationArgs("test", document.RootElement);

        Assert.True(double.IsNaN(args.GetDouble("nan")));
        Assert.Equal(double.PositiveInfinity, args.GetDouble("pos"));
        Assert.Equal(double.NegativeInfinity, args.GetNullableDouble("neg"));
        Assert.True(float.IsNaN(args.GetSingle("fnan")));
        Assert.Equal(float.NegativeInfinity, args.GetNullableSingle("fneg"));
        Assert.True(double.IsNegative(args.GetDouble("zero")));
    }

    [Fact]
    public void A_string_that_is_not_a_named_literal_is_not_a_number()
    {
        using var document = JsonDocument.Parse("""{"d":"1.5"}""");
        var args = new MutationArgs("test", document.RootElement);

        var error = Assert.Throws<MutationRejectedException>(() => args.GetDouble("d"));
        Assert.Equal(ErrorCodes.InvalidMutation, error.Code);
        Assert.Contains("argument 'd' must be a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nullable_enums_and_nullable_references_are_written_through_the_metadata_of_their_type()
    {
        using var writer = new MutationArgsWriter();
        writer.Write("some", (DayOfWeek?)DayOfWeek.Friday, NullableArgsJson.Default.DayOfWeek);
        writer.Write("none", (DayOfWeek?)null, NullableArgsJson.Default.DayOfWeek);
        writer.Write("list", (List<string>?)["a"], NullableArgsJson.Default.ListString);
        writer.Write("nolist", (List<string>?)null, NullableArgsJson.Default.ListString);

        Assert.Equal("""{"some":5,"none":null,"list":["a"],"nolist":null}""", System.Text.Encoding.UTF8.GetString(writer.ToJson().Span));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(DayOfWeek))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
internal sealed partial class NullableArgsJson : System.Text.Json.Serialization.JsonSerializerContext;
