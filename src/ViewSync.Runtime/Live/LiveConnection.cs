using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ViewSync.Protocol;

namespace ViewSync.Live;

/// <summary>
/// The client side of the live endpoint: connects, subscribes, and calls back on every
/// <c>sync:{scope}</c> notification (and on each reconnect, to catch up). Reconnects with backoff
/// and jitter. A notification only says "pull now": losing one is harmless, the client also polls.
/// With an access token provider the handshake carries <c>Authorization: Bearer {token}</c> (outside the
/// browser, whose WebSockets cannot send headers: there the page's cookies authenticate it); a <c>401</c>
/// asks the provider once for a fresh token and reconnects at once, then backs off like any other failure.
/// The URL never carries a credential.
/// </summary>
internal sealed partial class LiveConnection : IAsyncDisposable
{
    private const int MaxFrame = 64 << 10;
    private readonly Uri _endpoint;
    private readonly string _topic;
    private readonly LiveOptions _options;
    private readonly Func<AccessTokenRequest, CancellationToken, ValueTask<string?>>? _accessTokenProvider;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly Action _notify;
    private CancellationTokenSource? _stop;
    private Task? _run;
    private volatile bool _connected;

    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute ws, wss, http or https URL.</exception>
    public LiveConnection(Uri endpoint, string scope, LiveOptions options, Func<AccessTokenRequest, CancellationToken, ValueTask<string?>>? accessTokenProvider, TimeProvider time, Random random, ILogger logger, Action notify)
    {
        _accessTokenProvider = accessTokenProvider;
        _endpoint = new UriBuilder(ToWebSocket(endpoint)) { Query = $"scope={Uri.EscapeDataString(scope)}" }.Uri;
        _topic = Scopes.Topic(scope);
        _options = options;
        _time = time;
        _random = random;
        _logger = logger;
        _notify = notify;
    }

    public bool IsConnected => _connected;

    /// <summary>
    /// The default live endpoint for a sync base URL: <c>_live</c> next to the sync prefix, on the same
    /// host and path base, as WebSocket: <c>http://host/app/_sync/</c> gives <c>ws://host/app/_live</c>.
    /// </summary>
    public static Uri DefaultEndpoint(Uri baseUrl)
    {
        var path = baseUrl.AbsolutePath.TrimEnd('/');
        var parent = path[..(path.LastIndexOf('/') + 1)];
        return ToWebSocket(new UriBuilder(baseUrl) { Path = parent + "_live", Query = string.Empty, Fragment = string.Empty }.Uri);
    }

    /// <summary>The WebSocket form of a live URL: http becomes ws and https wss; ws and wss are kept.</summary>
    /// <exception cref="ArgumentException">The URL is relative or has another scheme.</exception>
    public static Uri ToWebSocket(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException($"The live URL '{url}' must be absolute, e.g. wss://example.com/_live.", nameof(url));
        }

        var scheme = url.Scheme switch
        {
            "ws" or "http" => "ws",
            "wss" or "https" => "wss",
            _ => throw new ArgumentException($"The live URL '{url}' must use ws, wss, http or https (http maps to ws, https to wss).", nameof(url)),
        };
        return scheme == url.Scheme ? url : new UriBuilder(url) { Scheme = scheme, Port = url.IsDefaultPort ? -1 : url.Port }.Uri;
    }

    public void Start(CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            if (_run is not null)
            {
                await _run.ConfigureAwait(false);
            }

            _stop.Dispose();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        var forceRefresh = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var unauthorized = false;
            try
            {
                using var socket = new ClientWebSocket();
                try
                {
                    await ConnectAsync(socket, forceRefresh, cancellationToken).ConfigureAwait(false);
                }
                catch (WebSocketException) when (!OperatingSystem.IsBrowser() && socket.HttpStatusCode == HttpStatusCode.Unauthorized)
                {
                    unauthorized = true;
                    throw;
                }

                await socket.SendAsync("""{"topic":"subscribe","data":{}}"""u8.ToArray(), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                _connected = true;
                failures = 0;
                forceRefresh = false;
                _notify(); // catch up on what happened while disconnected
                await ReceiveAsync(socket, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever the failure (refused handshake, reset, bad frame), the connection is retried: it must not end silently.
                LogDisconnected(e.Message);
            }
            finally
            {
                _connected = false;
            }

            if (unauthorized && !forceRefresh && _accessTokenProvider is not null)
            {
                // The token was refused: one fresh token, at once; refused again, the backoff below as for any failure.
                LogUnauthorized();
                forceRefresh = true;
                continue;
            }

            forceRefresh = false;
            failures++;
            var ceiling = Math.Min(_options.MaxReconnectDelay.TotalMilliseconds, _options.ReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20)));
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds((ceiling / 2) + (_random.NextDouble() * ceiling / 2)), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Opens the WebSocket, with the provider's token in the <c>Authorization</c> header where the platform allows headers.</summary>
    private async Task ConnectAsync(ClientWebSocket socket, bool forceRefresh, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsBrowser())
        {
            socket.Options.CollectHttpResponseDetails = true; // to tell a refused token (401) from other failures
            if (_accessTokenProvider is not null
                && await _accessTokenProvider(new AccessTokenRequest(forceRefresh), cancellationToken).ConfigureAwait(false) is { Length: > 0 } token)
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            }
        }

        await socket.ConnectAsync(_endpoint, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        while (socket.State == WebSocketState.Open)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(1024), cancellationToken).ConfigureAwait(false);
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxFrame)
                {
                    throw new WebSocketException("A live frame was larger than 64 KiB.");
                }
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            if (IsForUs(buffer.WrittenSpan))
            {
                _notify();
            }
        }
    }

    /// <summary>A <c>sync:{scope}</c> frame whose data is <c>{"cursor": N}</c>, as an object or as a JSON string holding it.</summary>
    private bool IsForUs(ReadOnlySpan<byte> frame)
    {
        LiveMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(frame, ProtocolJsonContext.Default.LiveMessage);
        }
        catch (JsonException)
        {
            return false;
        }

        if (message?.Topic != _topic)
        {
            return false;
        }

        // The cursor itself is not needed (the pull asks the server), but a frame that carries none is not a notification.
        try
        {
            var data = message.Data.ValueKind == JsonValueKind.String
                ? JsonSerializer.Deserialize(message.Data.GetString()!, ProtocolJsonContext.Default.LiveCursor)
                : message.Data.Deserialize(ProtocolJsonContext.Default.LiveCursor);
            return data is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live handshake refused the access token (401); asking the provider for a fresh one")]
    private partial void LogUnauthorized();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live connection lost: {Reason}; reconnecting")]
    private partial void LogDisconnected(string reason);
}
