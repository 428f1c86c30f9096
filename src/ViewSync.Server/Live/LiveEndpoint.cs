using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Server.Http;

namespace ViewSync.Server.Live;

/// <summary>The live WebSocket endpoint: <c>/_live?scope=...</c>, <c>{topic, data}</c> text frames.</summary>
internal static class LiveEndpoint
{
    /// <summary>Frames from clients are tiny (<c>subscribe</c>); anything larger is a misbehaving peer.</summary>
    private const int MaxIncomingFrame = 16 << 10;

    public static async Task HandleAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ViewSyncServerOptions>>().Value;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await SyncEndpoints.Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, "This endpoint speaks WebSocket only.")(context.Response).ConfigureAwait(false);
            return;
        }

        var scope = await SyncEndpoints.AuthorizeAsync(options, context, context.Request.Query["scope"]).ConfigureAwait(false);
        if (scope is null)
        {
            await SyncEndpoints.Error(StatusCodes.Status403Forbidden, "forbidden", $"Scope '{Scopes.Normalize(context.Request.Query["scope"])}' is not yours.")(context.Response).ConfigureAwait(false);
            return;
        }

        var hub = context.RequestServices.GetRequiredService<LiveHub>();
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var session = new LiveSession(socket, scope, options.LiveSendQueueCapacity);
        hub.Add(session);
        var sender = session.SendLoopAsync();
        try
        {
            await ReceiveLoopAsync(socket, session, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            hub.Remove(session);
            await session.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye").ConfigureAwait(false);
            session.Stop();
            await sender.ConfigureAwait(false);
        }
    }

    private static async Task ReceiveLoopAsync(WebSocket socket, LiveSession session, CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, session.Closed);
        var buffer = new ArrayBufferWriter<byte>(256);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(1024), linked.Token).ConfigureAwait(false);
                    buffer.Advance(result.Count);
                    if (buffer.WrittenCount > MaxIncomingFrame)
                    {
                        await session.CloseAsync(WebSocketCloseStatus.MessageTooBig, "frame too large").ConfigureAwait(false);
                        return;
                    }
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (IsSubscribe(buffer.WrittenSpan))
                {
                    session.IsSubscribed = true;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The peer went away or the session was aborted.
        }
    }

    /// <summary>Whether the frame is <c>{"topic": "subscribe", ...}</c>. Anything else is ignored.</summary>
    private static bool IsSubscribe(ReadOnlySpan<byte> frame)
    {
        try
        {
            return JsonSerializer.Deserialize(frame, ProtocolJsonContext.Default.LiveMessage)?.Topic == LiveMessage.SubscribeTopic;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
