using System.Text;
using System.Text.Json;
using ViewSync.Mutations;

namespace ViewSync.Runtime.Tests.Mutations;

public class MutationTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public void Args_survive_disposal_of_the_source_document()
    {
        Mutation mutation;
        using (var document = JsonDocument.Parse("""{"id":"abc","data":{"title":"Buy milk"}}"""))
        {
            mutation = new Mutation("m1", "todo.create", "user:1", "c1", 1, document.RootElement, Created);
        }

        Assert.Equal("Buy milk", mutation.Args.GetProperty("data").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("", "todo.create", "user:1", "c1", "id")]
    [InlineData("m1", " ", "user:1", "c1", "name")]
    [InlineData("m1", "todo.create", "", "c1", "scope")]
    [InlineData("m1", "todo.create", "user:1", "\t", "client")]
    public void Blank_fields_are_refused_with_the_parameter_named(string id, string name, string scope, string client, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => new Mutation(id, name, scope, client, 1, Json("{}"), Created));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains("must not be empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_fields_and_missing_args_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new Mutation(null!, "n", "s", "c", 1, Json("{}"), Created));
        var error = Assert.Throws<ArgumentException>(() => new Mutation("m1", "todo.create", "s", "c", 1, default, Created));
        Assert.Equal("args", error.ParamName);
        Assert.Contains("default(JsonElement)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wire_json_has_exactly_the_protocol_fields_in_snake_case()
    {
        var mutation = new Mutation("7f3c", "todo.create", "user:123", "a1b2c3d4e5f60718", 17, Json("""{"id":"abc","data":{"done":false}}"""), Created);

        var json = Encoding.UTF8.GetString(mutation.ToUtf8Json());

        Assert.Equal("""{"id":"7f3c","name":"todo.create","scope":"user:123","args":{"id":"abc","data":{"done":false}}}""", json);
    }

    [Fact]
    public void Json_with_client_and_seq_reads_them_and_ignores_unknown_fields()
    {
        var json = """{"extra":[1,{"x":2}],"id":"m1","name":"todo.delete","scope":"s","client":"c","seq":18446744073709551615,"args":{"id":"abc"},"more":null}"""u8;

        var mutation = Mutation.FromUtf8Json(json, Created);

        Assert.Equal(new Mutation("m1", "todo.delete", "s", "c", ulong.MaxValue, Json("""{"id":"abc"}"""), Created), mutation);
    }

    [Fact]
    public void Wire_json_round_trips_without_the_local_fields()
    {
        var mutation = new Mutation("m1", "todo.delete", "s", "c", 7, Json("""{"id":"abc"}"""), Created);

        var back = Mutation.FromUtf8Json(mutation.ToUtf8Json(), Created);

        Assert.Equal((mutation.Id, mutation.Name, mutation.Scope), (back.Id, back.Name, back.Scope));
        Assert.True(JsonElement.DeepEquals(mutation.Args, back.Args));
        Assert.Equal((Mutation.UnknownClient, 0UL), (back.Client, back.Seq));
    }

    [Theory]
    [InlineData("""{"id":"m1","name":"n","args":{}}""")]
    [InlineData("""{"id":"m1","name":"n","scope":"","args":{}}""")]
    public void A_missing_or_empty_scope_reads_as_the_default_scope(string json)
    {
        var mutation = Mutation.FromUtf8Json(Encoding.UTF8.GetBytes(json), Created);

        Assert.Equal(ViewSync.Protocol.Scopes.Default, mutation.Scope);
    }

    [Fact]
    public void Persisted_form_keeps_client_seq_and_created_at_byte_for_byte()
    {
        var mutation = new Mutation("m1", "n", "s", "c", 3, Json("[1,2]"), Created.AddTicks(12345));

        var persisted = MutationJson.ToUtf8(mutation, includeLocalFields: true);

        Assert.Equal("""{"id":"m1","name":"n","scope":"s","client":"c","seq":3,"args":[1,2],"created_at":"2026-11-24T10:00:00.0012345+00:00"}""", Encoding.UTF8.GetString(persisted));
        Assert.Equal(mutation, Mutation.FromUtf8Json(persisted, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void WritePersistedTo_writes_the_persisted_form()
    {
        var mutation = new Mutation("m1", "n", "s", "c", 3, Json("{}"), Created);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            mutation.WritePersistedTo(writer);
        }

        Assert.Equal(MutationJson.ToUtf8(mutation, includeLocalFields: true), buffer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData("""[]""", "must be a JSON object")]
    [InlineData("""{"id":"m1","name":"n","scope":"s","client":"c","seq":1}""", "\"args\"")]
    [InlineData("""{"name":"n","scope":"s","args":{}}""", "\"id\"")]
    [InlineData("""{"id":"m1","scope":"s","args":{}}""", "\"name\"")]
    [InlineData("""{"id":"m1","name":"n","scope":"s","client":"c","seq":-1,"args":{}}""", "unsigned 64-bit")]
    [InlineData("""{"id":5,"name":"n","scope":"s","client":"c","seq":1,"args":{}}""", "\"id\" must be a JSON string")]
    [InlineData("""{"id":"","name":"n","scope":"s","client":"c","seq":1,"args":{}}""", "must not be empty")]
    [InlineData("""{"id":"m1","name":"n","scope":"s","client":"c","seq":1,"args":{}} {}""", "after a single JSON value")]
    [InlineData("""{"id":"m1","name":"n",""", "")]
    public void Invalid_json_throws_JsonException_saying_what_is_wrong(string json, string expected)
    {
        var error = Assert.ThrowsAny<JsonException>(() => Mutation.FromUtf8Json(Encoding.UTF8.GetBytes(json), Created));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_reads_mutations_inside_a_push_body()
    {
        var body = """{"mutations":[{"id":"a","name":"n","scope":"s","client":"c","seq":1,"args":{}},{"id":"b","name":"n","scope":"s","client":"c","seq":2,"args":{}}]}"""u8;
        var reader = new Utf8JsonReader(body);
        reader.Read(); // {
        reader.Read(); // "mutations"
        reader.Read(); // [
        var ids = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            ids.Add(Mutation.ReadFrom(ref reader, Created).Id);
        }

        Assert.Equal(["a", "b"], ids);
    }

    [Fact]
    public void Equality_compares_args_by_value()
    {
        var a = new Mutation("m1", "n", "s", "c", 1, Json("""{"a":1,"b":[true]}"""), Created);
        var b = new Mutation("m1", "n", "s", "c", 1, Json("""{"a":1,"b":[true]}"""), Created);
        var c = new Mutation("m1", "n", "s", "c", 1, Json("""{"a":2,"b":[true]}"""), Created);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.Contains("n #1 (m1) in s", a.ToString(), StringComparison.Ordinal);
    }
}
