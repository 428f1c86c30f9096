using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ViewSync.Protocol;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Live;

/// <summary>The live endpoint over real WebSockets on 127.0.0.1.</summary>
public sealed class LiveTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static string Push(string id, string scope) =>
        $$$$"""{"mutations":[{"id":"{{{{id}}}}","name":"todo.create","scope":"{{{{scope}}}}","args":{"id":"{{{{id}}}}","data":{"id":"{{{{id}}}}","title":"x","done":false}}}]}""";

    private static async Task<ClientWebSocket> SubscribeAsync(ServerHost server, string scope)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(server.LiveUri(scope), CancellationToken.None);
        await socket.SendAsync("""{"topic":"subscribe","data":{}}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        // Each new subscription is told to pull once (its catch-up pull may have been served before it subscribed).
        Assert.Equal($$$"""{"topic":"sync:{{{scope}}}","data":{"cursor":0}}""", await ReceiveAsync(socket));
        return socket;
    }

    private static async Task<string> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    /// <summary>Subscribing is asynchronous on the server; push until the subscriber hears about it.</summary>
    private static async Task<string> PushUntilHeardAsync(ServerHost server, WebSocket socket, string scope)
    {
        var receive = ReceiveAsync(socket);
        for (var attempt = 0; !receive.IsCompleted && attempt < 100; attempt++)
        {
            await server.PostAsync("push", Push($"warm-{attempt}", scope));
            await Task.WhenAny(receive, Task.Delay(50));
        }

        return await receive;
    }

    [Fact]
    public async Task A_subscriber_receives_the_cursor_after_a_push_from_another_connection()
    {
        await using var server = await ServerHost.StartAsync();
        using var subscriber = await SubscribeAsync(server, "user:1");
        await PushUntilHeardAsync(server, subscriber, "user:1");

        var (_, body) = await server.PostAsync("push", Push("fresh", "user:1"));
        var frame = await ReceiveAsync(subscriber);

        var cursor = JsonDocument.Parse(body).RootElement.GetProperty("results")[0].GetProperty("cursor").GetUInt64();
        Assert.Equal($$$"""{"topic":"sync:user:1","data":{"cursor":{{{cursor}}}}}""", frame);
    }

    [Fact]
    public async Task Subscribers_hear_only_their_own_scope()
    {
        await using var server = await ServerHost.StartAsync();
        using var mine = await SubscribeAsync(server, "user:1");
        using var theirs = await SubscribeAsync(server, "user:2");
        await PushUntilHeardAsync(server, mine, "user:1");
        await PushUntilHeardAsync(server, theirs, "user:2");

        await server.PostAsync("push", Push("only-2", "user:2"));
        var heard = await ReceiveAsync(theirs);
        await server.PostAsync("push", Push("only-1", "user:1"));
        var frame = await ReceiveAsync(mine);

        Assert.StartsWith("""{"topic":"sync:user:2""", heard, StringComparison.Ordinal);
        Assert.StartsWith("""{"topic":"sync:user:1""", frame, StringComparison.Ordinal); // user:2's push never reached user:1
    }

    [Fact]
    public async Task Plain_http_on_the_live_endpoint_is_refused()
    {
        await using var server = await ServerHost.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(server.Root, "_live?scope=user:1"));

        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task Stopping_the_server_closes_live_connections_with_going_away()
    {
        var server = await ServerHost.StartAsync();
        using var subscriber = await SubscribeAsync(server, "user:1");
        await PushUntilHeardAsync(server, subscriber, "user:1");

        var stopping = server.DisposeAsync().AsTask();
        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[256];
        WebSocketReceiveResult result;
        do
        {
            result = await subscriber.ReceiveAsync(buffer, timeout.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);
        await subscriber.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token); // as a real client answers
        await stopping.WaitAsync(Timeout);

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, subscriber.CloseStatus);
    }
}
