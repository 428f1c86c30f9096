using System.Buffers;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

    /// <summary>Stops notifications on an open connection; <c>subscribe</c> starts them again.</summary>
    private const string UnsubscribeTopic = "unsubscribe";

    public static async Task HandleAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ViewSyncServerOptions>>().Value;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LiveEndpoint).FullName!);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, logger, StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, "This endpoint speaks WebSocket only.").ConfigureAwait(false);
            return;
        }

        if (!IsAllowedOrigin(context.Request, options))
        {
            await RefuseAsync(context, logger, StatusCodes.Status403Forbidden, "forbidden", "Live connections are not allowed from this page's origin.").ConfigureAwait(false);
            return;
        }

        var requested = context.Request.Query["scope"];
        if (requested.Count > 1)
        {
            await RefuseAsync(context, logger, StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, "Name one scope.").ConfigureAwait(false);
            return;
        }

        var decision = await ScopeAccess.DecideAsync(options, context, requested).ConfigureAwait(false);
        if (decision.Scope is not { } scope)
        {
            SyncEndpoints.LogClientFault(logger, context.Request.Path, context.User.Identity?.IsAuthenticated == true ? 403 : 401, "scope refused");
            await ScopeAccess.Refuse(context, decision.Refused!)(context.Response).ConfigureAwait(false);
            return;
        }

        var hub = context.RequestServices.GetRequiredService<LiveHub>();
        var caller = CallerOf(context);
        if (!hub.TryReserve(caller, options.MaxLiveConnectionsPerCaller, options.MaxLiveConnections))
        {
            context.Response.Headers.RetryAfter = "5";
            await RefuseAsync(context, logger, StatusCodes.Status429TooManyRequests, "too_many_connections", "Too many live connections; close one or retry later.").ConfigureAwait(false);
            return;
        }

        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            using var session = new LiveSession(socket, scope, options.LiveSendQueueCapacity);
            hub.Add(session);
            var sender = session.SendLoopAsync();
            try
            {
                await ReceiveLoopAsync(socket, session, hub, context.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                hub.Remove(session);
                await session.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye").ConfigureAwait(false);
                session.Stop();
                await sender.ConfigureAwait(false);
            }
        }
        finally
        {
            hub.Release(caller);
        }
    }

    /// <summary>
    /// A browser always sends <c>Origin</c> on a WebSocket handshake, and a page elsewhere must not
    /// ride on its user's cookies: only the server's own origin and the configured ones are allowed.
    /// Handshakes without <c>Origin</c> do not come from a page and are not checked.
    /// </summary>
    internal static bool IsAllowedOrigin(HttpRequest request, ViewSyncServerOptions options)
    {
        var origin = request.Headers.Origin;
        if (origin.Count == 0)
        {
            return true;
        }

        if (origin.Count > 1 || string.IsNullOrEmpty(origin[0]))
        {
            return false;
        }

        var value = origin[0]!.TrimEnd('/');
        if (string.Equals(value, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var allowed in options.LiveAllowedOrigins)
        {
            if (string.Equals(value, allowed.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whom the per-caller cap counts: the user's identifier, or the remote address when anonymous.</summary>
    private static string CallerOf(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true
            && (user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value ?? user.Identity.Name) is { Length: > 0 } id)
        {
            return "user:" + id;
        }

        return "address:" + context.Connection.RemoteIpAddress;
    }

    private static Task RefuseAsync(HttpContext context, ILogger logger, int status, string code, string message)
    {
        SyncEndpoints.LogClientFault(logger, context.Request.Path, status, message);
        return SyncEndpoints.Error(status, code, message)(context.Response);
    }

    private static async Task ReceiveLoopAsync(WebSocket socket, LiveSession session, LiveHub hub, CancellationToken aborted)
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

                switch (TopicOf(buffer.WrittenSpan))
                {
                    case LiveMessage.SubscribeTopic:
                        hub.Subscribe(session);
                        hub.RequestCatchUp(session);
                        break;
                    case UnsubscribeTopic:
                        hub.Unsubscribe(session);
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The peer went away or the session was aborted.
        }
    }

    /// <summary>The frame's topic: <c>subscribe</c> and <c>unsubscribe</c> are acted on, anything else is ignored.</summary>
    private static string? TopicOf(ReadOnlySpan<byte> frame)
    {
        try
        {
            return JsonSerializer.Deserialize(frame, ProtocolJsonContext.Default.LiveMessage)?.Topic;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
