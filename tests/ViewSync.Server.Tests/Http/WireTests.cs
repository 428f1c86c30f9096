using System.Text.Json;
using System.Text.RegularExpressions;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Http;

/// <summary>Requests and responses over real HTTP, byte for byte in the shapes of PROTOCOL.md.</summary>
public sealed partial class WireTests : IAsyncLifetime
{
    private ServerHost _server = null!;

    public async Task InitializeAsync() => _server = await ServerHost.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private const string CreateMilk = """
        {"mutations": [
          {"id": "7f3c01", "name": "todo.create", "scope": "user:123", 
           "args": {"id": "abc", "data": {"id": "abc", "title": "Buy milk", "done": false}}}
        ]}
        """;

    [Fact]
    public async Task Push_answers_one_result_per_mutation_with_cursor_and_changes()
    {
        var (status, body) = await _server.PostAsync("push", CreateMilk.Replace("]}", """
            ,{"id": "7f3c02", "name": "todo.rename", "scope": "user:123", "args": {"id": "abc", "title": ""}}
            ]}
            """, StringComparison.Ordinal));

        Assert.Equal(200, status);
        Assert.Equal(
            """{"results":[{"ok":true,"cursor":1,"changes":[{"cursor":1,"scope":"user:123","time":"<time>","data":{"entity":"todo","id":"abc","op":"create","value":{"id":"abc","title":"Buy milk","done":false}}}]},{"ok":false,"code":"invalid_mutation","error":"A todo needs a title."}]}""",
            Times().Replace(body, "\"time\":\"<time>\""));
    }

    [Fact]
    public async Task A_replayed_push_answers_ok_with_the_first_cursor_and_no_changes()
    {
        await _server.PostAsync("push", CreateMilk);

        var (status, body) = await _server.PostAsync("push", CreateMilk);

        Assert.Equal(200, status);
        Assert.Equal("""{"results":[{"ok":true,"cursor":1}]}""", body);
    }

    [Fact]
    public async Task Pull_pages_with_has_more_and_next_cursor()
    {
        for (var i = 0; i < 3; i++)
        {
            await _server.PostAsync("push", CreateMilk.Replace("7f3c01", $"m{i}", StringComparison.Ordinal).Replace("\"abc\"", $"\"t{i}\"", StringComparison.Ordinal));
        }

        var (status, first) = await _server.PostAsync("pull", """{"scope": "user:123", "cursor": 0, "limit": 2}""");
        var (_, rest) = await _server.PostAsync("pull", """{"scope": "user:123", "cursor": 2, "limit": 2}""");

        Assert.Equal(200, status);
        Assert.Matches("""^\{"changes":\[\{"cursor":1,"scope":"user:123",.*\{"cursor":2,.*\],"has_more":true,"next_cursor":2\}$""", first);
        Assert.Matches("""^\{"changes":\[\{"cursor":3,.*"data":\{"entity":"todo","id":"t2","op":"create","value":\{"id": ?"t2", ?"title": ?"Buy milk", ?"done": ?false\}\}\}\],"has_more":false,"next_cursor":3\}$""", rest); // the value as stored
    }

    [Fact]
    public async Task Snapshot_maps_entity_to_id_to_value_with_its_cursor()
    {
        await _server.PostAsync("push", CreateMilk);

        var (status, body) = await _server.PostAsync("snapshot", """{"scope": "user:123"}""");
        var (_, empty) = await _server.PostAsync("snapshot", """{"scope": "nobody"}""");

        Assert.Equal(200, status);
        // Entities are written as stored (streamed, not re-serialized), so compare them as JSON.
        using var expected = JsonDocument.Parse("""{"data":{"todo":{"abc":{"id":"abc","title":"Buy milk","done":false}}},"cursor":1}""");
        using var actual = JsonDocument.Parse(body);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement), body);
        Assert.Equal("""{"data":{},"cursor":1}""", empty);
    }

    [Fact]
    public async Task Pull_limit_defaults_to_100_and_is_capped_at_1000()
    {
        for (var batch = 0; batch < 11; batch++)
        {
            var mutations = string.Join(",", Enumerable.Range(batch * 100, 100).Select(i =>
                $$$$"""{"id":"b{{{{i}}}}","name":"todo.create","scope":"s","args":{"id":"e{{{{i}}}}","data":{"id":"e{{{{i}}}}","title":"x","done":false}}}"""));
            Assert.Equal(200, (await _server.PostAsync("push", $$"""{"mutations":[{{mutations}}]}""")).Status);
        }

        using var byDefault = JsonDocument.Parse((await _server.PostAsync("pull", """{"scope":"s","cursor":0}""")).Body);
        using var capped = JsonDocument.Parse((await _server.PostAsync("pull", """{"scope":"s","cursor":0,"limit":5000}""")).Body);

        Assert.Equal(100, byDefault.RootElement.GetProperty("changes").GetArrayLength());
        Assert.Equal(1000, capped.RootElement.GetProperty("changes").GetArrayLength());
        Assert.True(capped.RootElement.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task Fields_the_protocol_does_not_list_are_ignored_in_every_request()
    {
        // An older ViewSync client sent client and seq; other clients may send anything else.
        var push = """
            {"mutations": [
              {"id": "m1", "name": "todo.create", "scope": "user:123", "client": "a1b2c3d4e5f60718", "seq": 17, "extra": {"x": [1]},
               "args": {"id": "abc", "data": {"id": "abc", "title": "Buy milk", "done": false}}}
            ], "batch": 3}
            """;

        var (pushStatus, pushBody) = await _server.PostAsync("push", push);
        var (pullStatus, pullBody) = await _server.PostAsync("pull", """{"scope": "user:123", "cursor": 0, "limit": 10, "since": "yesterday"}""");
        var (snapshotStatus, _) = await _server.PostAsync("snapshot", """{"scope": "user:123", "format": 2}""");

        Assert.Equal((200, 200, 200), (pushStatus, pullStatus, snapshotStatus));
        Assert.StartsWith("""{"results":[{"ok":true,"cursor":1,""", pushBody, StringComparison.Ordinal);
        Assert.EndsWith("""],"has_more":false,"next_cursor":1}""", pullBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mutation_without_a_scope_applies_to_the_default_scope()
    {
        var (status, _) = await _server.PostAsync("push", """{"mutations": [{"id": "m1", "name": "todo.create", "args": {"id": "abc", "data": {"id": "abc", "title": "x", "done": false}}}]}""");

        Assert.Equal(200, status);
        Assert.True((await _server.Engine.SnapshotAsync("_default")).Data["todo"].ContainsKey("abc"));
    }

    [Fact]
    public async Task A_pull_cursor_past_2_to_the_63_is_refused_instead_of_answering_the_whole_log()
    {
        await _server.PostAsync("push", CreateMilk);

        var (status, body) = await _server.PostAsync("pull", """{"scope": "user:123", "cursor": 9223372036854775808}""");

        Assert.Equal(400, status);
        Assert.StartsWith("""{"code":"invalid_mutation",""", body, StringComparison.Ordinal);
    }

    [GeneratedRegex("\"time\":\"[^\"]+\"")]
    private static partial Regex Times();
}
