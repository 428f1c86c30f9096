using System.Net.WebSockets;
using System.Text.Json;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Http;

public sealed class AuthorizationTests : IAsyncLifetime
{
    private ServerHost _server = null!;

    public async Task InitializeAsync() => _server = await ServerHost.StartAsync(options =>
        options.AuthorizeScope = context => ValueTask.FromResult(
            context.ClaimedScope.StartsWith("user:", StringComparison.Ordinal) ? context.ClaimedScope
            : context.ClaimedScope == "me" ? "user:mapped"
            : null));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task AssertForbiddenAsync((int Status, string Body) response)
    {
        Assert.Equal(403, response.Status);
        using var error = JsonDocument.Parse(response.Body);
        Assert.Equal("forbidden", error.RootElement.GetProperty("code").GetString());
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Pull_and_snapshot_of_a_refused_scope_answer_403()
    {
        await AssertForbiddenAsync(await _server.PostAsync("pull", """{"scope":"admin","cursor":0}"""));
        await AssertForbiddenAsync(await _server.PostAsync("snapshot", """{"scope":"admin"}"""));
        Assert.Equal(200, (await _server.PostAsync("snapshot", """{"scope":"user:1"}""")).Status);
    }

    [Fact]
    public async Task A_push_with_one_refused_scope_applies_nothing()
    {
        var response = await _server.PostAsync("push", """
            {"mutations":[
              {"id":"a","name":"todo.create","scope":"user:1","args":{"id":"t","data":{"id":"t","title":"x","done":false}}},
              {"id":"b","name":"todo.create","scope":"admin","args":{"id":"t","data":{"id":"t","title":"x","done":false}}}
            ]}
            """);

        await AssertForbiddenAsync(response);
        Assert.Empty((await _server.Engine.SnapshotAsync("user:1")).Data);
    }

    [Fact]
    public async Task The_hook_can_map_a_claimed_scope_to_the_callers_own()
    {
        await _server.PostAsync("push", """{"mutations":[{"id":"a","name":"todo.create","scope":"me","args":{"id":"t","data":{"id":"t","title":"x","done":false}}}]}""");

        Assert.Single((await _server.Engine.SnapshotAsync("user:mapped")).Data["todo"]);
        Assert.Empty((await _server.Engine.SnapshotAsync("me")).Data);
    }

    [Fact]
    public async Task A_live_connection_to_a_refused_scope_is_refused()
    {
        using var socket = new ClientWebSocket();

        var error = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(_server.LiveUri("admin"), CancellationToken.None));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }
}
