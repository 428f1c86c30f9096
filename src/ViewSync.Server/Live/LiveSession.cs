using System.Net.WebSockets;
using System.Threading.Channels;

namespace ViewSync.Server.Live;

/// <summary>
/// One live WebSocket connection: a bounded queue of frames to send, drained by one sender. When the
/// queue is full the peer is not reading fast enough and is disconnected, so a slow reader can never
/// grow the server's memory.
/// </summary>
internal sealed class LiveSession : IDisposable
{
    private readonly WebSocket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _outbox;
    private readonly CancellationTokenSource _closed = new();

    public LiveSession(WebSocket socket, string scope, int capacity)
    {
        _socket = socket;
        Scope = scope;
        _outbox = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of dropping silently
        });
    }

    /// <summary>The scope this session may follow.</summary>
    public string Scope { get; }

    /// <summary>The scope the hub notifies this session of; null until it subscribes. Written by the hub under its index lock.</summary>
    public string? SubscribedScope { get; internal set; }

    /// <summary>Whether the session follows a scope.</summary>
    public bool IsSubscribed => SubscribedScope is not null;

    // The last cursor queued, and for which scope: touched only by the hub's fan-out loop.
    private string? _sentScope;
    private ulong _sentCursor;

    /// <summary>
    /// Records that <paramref name="cursor"/> of <paramref name="scope"/> is about to be queued; false when it
    /// is not above the last one queued for that scope (a late, out-of-order announcement). Fan-out loop only.
    /// </summary>
    public bool AdvanceSent(string scope, ulong cursor)
    {
        if (string.Equals(_sentScope, scope, StringComparison.Ordinal) && cursor <= _sentCursor)
        {
            return false;
        }

        _sentScope = scope;
        _sentCursor = cursor;
        return true;
    }

    /// <summary>Cancelled when the session ends for any reason.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Queues a frame; false (and the session is aborted) when the peer is too far behind.</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        if (_outbox.Writer.TryWrite(frame))
        {
            return true;
        }

        Abort();
        return false;
    }

    /// <summary>Sends queued frames until the session ends.</summary>
    public async Task SendLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(_closed.Token).ConfigureAwait(false))
            {
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _closed.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The session ended; the receive loop reports and cleans up.
        }
    }

    /// <summary>Ends the session at once, without a close handshake (used for slow readers).</summary>
    public void Abort()
    {
        _outbox.Writer.TryComplete();
        Cancel();
        _socket.Abort();
    }

    public void Dispose() => _closed.Dispose();

    /// <summary>Cancels <see cref="Closed"/>; the hub may race with the endpoint's cleanup, so a disposed source is fine.</summary>
    private void Cancel()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Starts a polite close: stops queueing and sends a close frame. The receive loop then sees the
    /// peer's answering close and ends the session; cancelling a pending receive instead would reset
    /// the connection before the close frame arrives.
    /// </summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        _outbox.Writer.TryComplete();
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    /// <summary>Ends the session's loops once the connection is done with.</summary>
    public void Stop()
    {
        _outbox.Writer.TryComplete();
        Cancel();
    }
}
