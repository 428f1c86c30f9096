using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Protocol;

namespace ViewSync.Runtime.Tests.Protocol;

/// <summary>The wire shapes of PROTOCOL.md, byte for byte where the client writes them.</summary>
public class ProtocolJsonTests
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;

    [Fact]
    public void A_push_request_has_the_protocol_fields_in_snake_case()
    {
        using var args = JsonDocument.Parse("""{"id":"abc","data":{"id":"abc","title":"Buy milk","done":false}}""");
        var mutation = new Mutation("7f3c", "todo.create", "user:123", "a1b2c3d4e5f60718", 17, args.RootElement, DateTimeOffset.UnixEpoch);

        var json = JsonSerializer.Serialize(new PushRequest { Mutations = [mutation] }, Json.PushRequest);

        Assert.Equal(
            """{"mutations":[{"id":"7f3c","name":"todo.create","scope":"user:123","args":{"id":"abc","data":{"id":"abc","title":"Buy milk","done":false}}}]}""",
            json);
        var back = JsonSerializer.Deserialize(json, Json.PushRequest)!;
        Assert.Equal(mutation.Id, Assert.Single(back.Mutations).Id);
    }

    [Fact]
    public void A_push_response_reads_applied_and_rejected_results()
    {
        const string body = """
            {"results": [
              {"ok": true, "cursor": 42, "changes": [{"cursor": 42, "scope": "user:123", "time": "2026-11-24T10:00:00Z",
                "data": {"entity": "todo", "id": "abc", "op": "update", "value": {"id": "abc", "done": true}}}]},
              {"ok": false, "code": "conflict", "error": "todo abc was changed"},
              {"ok": false, "error": "sync: conflict"},
              {"ok": false, "error": "bad args", "extra": [1, 2]}
            ], "unknown": true}
            """;

        var response = JsonSerializer.Deserialize(body, Json.PushResponse)!;

        Assert.Equal(4, response.Results.Count);
        Assert.Equal(42UL, response.Results[0].Cursor);
        var change = Assert.Single(response.Results[0].Changes!);
        var entity = change.Data.Deserialize(Json.EntityChange)!;
        Assert.Equal(("todo", "abc", "update"), (entity.Entity, entity.Id, entity.Op));
        Assert.True(entity.Value!.Value.GetProperty("done").GetBoolean());
        Assert.Null(response.Results[0].EffectiveCode);
        Assert.Equal(ErrorCodes.Conflict, response.Results[1].EffectiveCode);
        Assert.Equal(ErrorCodes.Conflict, response.Results[2].EffectiveCode);
        Assert.Equal(ErrorCodes.InvalidMutation, response.Results[3].EffectiveCode);
    }

    [Fact]
    public void Results_are_written_without_the_fields_that_do_not_apply()
    {
        var json = JsonSerializer.Serialize(new PushResponse { Results = [PushResult.Applied(42), PushResult.Rejected("conflict", "todo abc was changed")] }, Json.PushResponse);

        Assert.Equal("""{"results":[{"ok":true,"cursor":42},{"ok":false,"code":"conflict","error":"todo abc was changed"}]}""", json);
    }

    [Fact]
    public void Pull_request_and_response_match_the_protocol()
    {
        Assert.Equal("""{"scope":"user:123","cursor":40,"limit":100}""",
            JsonSerializer.Serialize(new PullRequest { Scope = "user:123", Cursor = 40, Limit = 100 }, Json.PullRequest));

        var response = JsonSerializer.Deserialize("""
            {"changes": [{"cursor": 41, "scope": "user:123", "time": "2026-11-24T10:00:00Z",
              "data": {"entity": "todo", "id": "abc", "op": "delete"}}],
             "has_more": false, "next_cursor": 42}
            """, Json.PullResponse)!;

        Assert.False(response.HasMore);
        Assert.Equal(42UL, response.NextCursor);
        var entity = Assert.Single(response.Changes).Data.Deserialize(Json.EntityChange)!;
        Assert.True(entity.IsDelete);
        Assert.Null(entity.Value);
    }

    [Fact]
    public void A_deletion_is_written_without_a_value()
    {
        var json = JsonSerializer.Serialize(new EntityChange { Entity = "todo", Id = "abc", Op = EntityChange.Delete }, Json.EntityChange);

        Assert.Equal("""{"entity":"todo","id":"abc","op":"delete"}""", json);
    }

    [Fact]
    public void A_snapshot_response_maps_entity_to_id_to_value()
    {
        var response = JsonSerializer.Deserialize("""{"data": {"todo": {"abc": {"id": "abc"}, "def": {"id": "def"}}, "list": {}}, "cursor": 42}""", Json.SnapshotResponse)!;

        Assert.Equal(42UL, response.Cursor);
        Assert.Equal(["abc", "def"], response.Data["todo"].Keys.Order());
        Assert.Empty(response.Data["list"]);
    }

    [Theory]
    [InlineData("""{"topic": "sync:user:123", "data": {"cursor": 42}}""")]
    [InlineData("""{"topic": "sync:user:123", "data": "{\"cursor\": 42}"}""")]
    public void A_live_message_carries_data_as_an_object_or_a_string(string frame)
    {
        var message = JsonSerializer.Deserialize(frame, Json.LiveMessage)!;

        Assert.Equal(Scopes.Topic("user:123"), message.Topic);
        var data = message.Data.ValueKind == JsonValueKind.String
            ? JsonSerializer.Deserialize(message.Data.GetString()!, Json.LiveCursor)!
            : message.Data.Deserialize(Json.LiveCursor)!;
        Assert.Equal(42UL, data.Cursor);
    }

    [Fact]
    public void An_empty_or_missing_scope_in_a_mutation_means_the_default_scope()
    {
        var empty = JsonSerializer.Deserialize("""{"mutations":[{"id":"1","name":"n","scope":"","args":{}}]}""", Json.PushRequest)!;
        var missing = JsonSerializer.Deserialize("""{"mutations":[{"id":"1","name":"n","args":{}}]}""", Json.PushRequest)!;

        Assert.Equal(Scopes.Default, empty.Mutations[0].Scope);
        Assert.Equal(Scopes.Default, missing.Mutations[0].Scope);
    }

    [Fact]
    public void Malformed_bodies_fail_with_a_json_exception()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"results": [{"ok": "yes"}]}""", Json.PushResponse));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"changes": [], "has_more": false, "next_cursor": -1}""", Json.PullResponse));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"mutations":[{"id":"1"}]}""", Json.PushRequest));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"results": [""", Json.PushResponse));
    }
}
