using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using ViewSync.Protocol;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// The strict server's live endpoint, as the Go <c>live</c> server: a WebSocket at
/// <c>/_live?scope=…</c>; the client must send <c>{"topic":"subscribe","data":{}}</c> (strictly
/// decoded) before anything is published to it; then every advance of the scope's log is sent as
/// <c>sync:{scope}</c>.
/// </summary>
internal static class StrictLive
{
    public static async Task HandleAsync(HttpContext context, StrictServer server, CancellationToken stopping)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var scope = Scopes.Normalize(context.Request.Query["scope"]);
        if (scope == StrictServer.ForbiddenScope)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var cursors = Channel.CreateUnbounded<ulong>();
        void OnAdvanced(string advanced, ulong cursor)
        {
            if (advanced == scope)
            {
                cursors.Writer.TryWrite(cursor);
            }
        }

        try
        {
            if (StrictRequests.ReadLiveTopic(await ReceiveAsync(socket, done.Token)) != LiveMessage.SubscribeTopic)
            {
                await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "subscribe first", done.Token);
                return;
            }

            server.Store.Advanced += OnAdvanced;
            // Whatever the client sends later (or its close) ends the subscription when the socket closes.
            _ = DrainAsync(socket, cursors.Writer, done.Token);
            await foreach (var cursor in cursors.Reader.ReadAllAsync(done.Token))
            {
                await socket.SendAsync(StrictResponses.Live(scope, cursor, server.LiveDataAsString), WebSocketMessageType.Text, true, done.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or StrictRequestException)
        {
            // The client went away, the server is stopping, or the client broke the protocol.
        }
        finally
        {
            server.Store.Advanced -= OnAdvanced;
        }
    }

    private static async Task<byte[]> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        using var frame = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new OperationCanceledException("The client closed the socket.");
            }

            frame.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return frame.ToArray();
            }
        }
    }

    private static async Task DrainAsync(WebSocket socket, ChannelWriter<ulong> cursors, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await ReceiveAsync(socket, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            cursors.TryComplete();
        }
    }
}
