using System.Net;
using System.Net.Sockets;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// A TCP proxy on 127.0.0.1 that, per connection and by a seeded random, passes bytes through,
/// refuses the connection, resets it once the server starts answering (the request was applied, the
/// answer is lost), or delays it. Healing it makes every connection pass.
/// </summary>
internal sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly Random _random;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TcpFaultProxy(Uri upstream, int seed)
    {
        _upstream = new IPEndPoint(IPAddress.Loopback, upstream.Port);
        _random = new Random(seed);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Root => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public bool Faulty { get; set; } = true;

    public int Refused { get; private set; }

    public int Reset { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            int roll;
            lock (_random)
            {
                roll = Faulty ? _random.Next(10) : 9;
            }

            _ = Task.Run(() => HandleAsync(client, roll));
        }
    }

    private async Task HandleAsync(TcpClient client, int roll)
    {
        using (client)
        {
            if (roll < 2)
            {
                Refused++;
                client.Client.LingerState = new LingerOption(true, 0);
                return; // closed with a reset before anything was sent
            }

            if (roll == 2)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            using var server = new TcpClient();
            try
            {
                await server.ConnectAsync(_upstream, _stop.Token);
                var clientStream = client.GetStream();
                var serverStream = server.GetStream();
                var resetOnAnswer = roll is 3 or 4;
                var up = PumpAsync(clientStream, serverStream, resetAfterFirstRead: false);
                var down = PumpAsync(serverStream, clientStream, resetAfterFirstRead: resetOnAnswer);
                await Task.WhenAny(up, down);
                if (resetOnAnswer && down.IsCompleted)
                {
                    Reset++;
                    client.Client.LingerState = new LingerOption(true, 0);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A dropped connection is the point.
            }
        }
    }

    /// <summary>Copies bytes; with <paramref name="resetAfterFirstRead"/> it stops as soon as the server begins to answer.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool resetAfterFirstRead)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0 || resetAfterFirstRead)
            {
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
