using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using ViewSync.Server.Live;

namespace ViewSync.Server.Tests.Support;

/// <summary>
/// A hub session on a real WebSocket over in-memory pipes, and the client side reading every frame into a queue
/// of (topic, cursor).
/// </summary>
internal sealed class LivePeer : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly WebSocket _serverSocket;
    private readonly WebSocket _clientSocket;
    private readonly Channel<(string Topic, ulong Cursor)> _frames = Channel.CreateUnbounded<(string, ulong)>();
    private readonly Task _sender;
    private readonly Task _reader;

    public LivePeer(string scope, int capacity = 64, long pauseAt = 1 << 20, bool read = true)
    {
        var (server, client) = DuplexPipeStream.CreatePair(pauseAt);
        _serverSocket = WebSocket.CreateFromStream(server, isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        _clientSocket = WebSocket.CreateFromStream(client, isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        Session = new LiveSession(_serverSocket, scope, capacity);
        _sender = Session.SendLoopAsync();
        _reader = read ? Task.Run(ReadAsync) : Task.CompletedTask; // a peer that never reads stalls the socket
    }

    public LiveSession Session { get; }

    /// <summary>Every frame received so far, in order.</summary>
    public List<(string Topic, ulong Cursor)> Seen { get; } = [];

    /// <summary>The next frame, or a timeout.</summary>
    public async Task<(string Topic, ulong Cursor)> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var frame = await _frames.Reader.ReadAsync(timeout.Token);
        Seen.Add(frame);
        return frame;
    }

    /// <summary>Frames until one of <paramref name="topic"/> reaches <paramref name="cursor"/>.</summary>
    public async Task<List<(string Topic, ulong Cursor)>> UntilAsync(string topic, ulong cursor)
    {
        var frames = new List<(string, ulong)>();
        while (true)
        {
            var frame = await NextAsync();
            frames.Add(frame);
            if (frame.Topic == topic && frame.Cursor >= cursor)
            {
                return frames;
            }
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await _clientSocket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                using var document = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                var root = document.RootElement;
                await _frames.Writer.WriteAsync((root.GetProperty("topic").GetString()!, root.GetProperty("data").GetProperty("cursor").GetUInt64()));
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Session.Abort();
        _clientSocket.Abort();
        await _sender.WaitAsync(Timeout);
        await _reader.WaitAsync(Timeout);
        Session.Dispose();
        _serverSocket.Dispose();
        _clientSocket.Dispose();
    }
}
