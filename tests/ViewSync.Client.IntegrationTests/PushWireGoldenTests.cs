using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Mutations;
using ViewSync.Protocol;
using ViewSync.Transport;

namespace ViewSync.Client.IntegrationTests;

/// <summary>
/// The exact bytes a push puts on the wire, captured by a real HTTP server on 127.0.0.1: exactly
/// <c>id</c>, <c>name</c>, <c>scope</c>, <c>args</c> per mutation — a strict (Go) server refuses any other field.
/// </summary>
public sealed class PushWireGoldenTests
{
    private sealed class Capture
    {
        public byte[]? PushBody { get; set; }

        public string? ContentType { get; set; }
    }

    private static async Task<ScriptedServer> CapturingServerAsync(Capture capture) => await ScriptedServer.StartAsync(async context =>
    {
        var endpoint = context.Request.Path.Value!.Split('/')[^1];
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (endpoint == "push")
        {
            capture.PushBody = body.ToArray();
            capture.ContentType = context.Request.ContentType;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(endpoint switch
        {
            "push" => $$"""{"results":[{{string.Join(",", Enumerable.Range(1, JsonDocument.Parse(body.ToArray()).RootElement.GetProperty("mutations").GetArrayLength()).Select(i => $$"""{"ok":true,"cursor":{{i}}}"""))}}]}""",
            "snapshot" => """{"data":{}}""",
            _ => """{"changes":null}""",
        });
    });

    [Fact]
    public async Task The_transport_sends_a_push_byte_for_byte()
    {
        var capture = new Capture();
        await using var server = await CapturingServerAsync(capture);
        using var http = server.CreateClient();
        using var args = JsonDocument.Parse("""{"id": "abc", "data": {"id": "abc", "title": "Buy milk \u00fc \"quoted\"", "done": false}}""");
        var mutation = new Mutation("7f3c0a9b2e4d4c1f8a6b5d3e2f1a0b9c", "todo.create", "user:123", "a1b2c3d4e5f60718", 17, args.RootElement, DateTimeOffset.UnixEpoch);

        var result = await new RefitSyncTransport(http).PushAsync(new PushRequest { Mutations = [mutation] }, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Describe());
        Assert.Equal(
            """{"mutations":[{"id":"7f3c0a9b2e4d4c1f8a6b5d3e2f1a0b9c","name":"todo.create","scope":"user:123","args":{"id":"abc","data":{"id":"abc","title":"Buy milk \u00FC \u0022quoted\u0022","done":false}}}]}"""u8.ToArray(),
            capture.PushBody);
        Assert.Equal("application/json; charset=utf-8", capture.ContentType);
    }

    [Fact]
    public async Task A_sync_client_pushes_a_sample_todo_byte_for_byte()
    {
        var capture = new Capture();
        await using var server = await CapturingServerAsync(capture);
        await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions { BaseUrl = server.BaseAddress, Scope = "user:123", AutomaticSync = false });
        await client.StartAsync();
        var db = client.Db();
        db.Todos.Create(new Todo("abc", "Buy milk", false));
        db.Mutate.Rename("abc", "Buy oat milk");
        var ids = client.Replica.Pending().Select(m => m.Id).ToList();

        await client.SyncAsync();

        var expected = $$$$"""{"mutations":[{"id":"{{{{ids[0]}}}}","name":"todo.create","scope":"user:123","args":{"id":"abc","data":{"id":"abc","title":"Buy milk","done":false}}},{"id":"{{{{ids[1]}}}}","name":"todo.rename","scope":"user:123","args":{"id":"abc","title":"Buy oat milk"}}]}""";
        Assert.Equal(Encoding.UTF8.GetBytes(expected), capture.PushBody);
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }
}
