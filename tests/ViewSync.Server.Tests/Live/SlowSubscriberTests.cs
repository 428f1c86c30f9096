using System.Net.WebSockets;
using System.Text;
using ViewSync.Server.Engine;
using ViewSync.Server.Live;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;
using M = ViewSync.Server.Tests.Support.Mutations;

namespace ViewSync.Server.Tests.Live;

/// <summary>A subscriber that stops reading is dropped; the others keep receiving. Real WebSockets over in-memory pipes.</summary>
public sealed class SlowSubscriberTests
{
    [Fact]
    public async Task A_stalled_subscriber_is_disconnected_and_the_others_keep_receiving()
    {
        await using var engine = new SyncEngine(new InMemorySyncStorage(), new SyncEngineOptions { Mutators = TodoSample.TodoDb.Mutators });
        using var hub = new LiveHub(engine);

        var (stalledServer, stalledClient) = DuplexPipeStream.CreatePair(pauseAt: 512);
        var (healthyServer, healthyClient) = DuplexPipeStream.CreatePair();
        using var stalledSocket = WebSocket.CreateFromStream(stalledServer, isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        using var healthySocket = WebSocket.CreateFromStream(healthyServer, isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        using var healthyPeer = WebSocket.CreateFromStream(healthyClient, isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        using var stalled = new LiveSession(stalledSocket, "user:1", capacity: 4);
        using var healthy = new LiveSession(healthySocket, "user:1", capacity: 4);
        hub.Add(stalled);
        hub.Add(healthy);
        hub.Subscribe(stalled);
        hub.Subscribe(healthy);
        var senders = Task.WhenAll(stalled.SendLoopAsync(), healthy.SendLoopAsync());

        // The healthy peer reads everything; the stalled one never reads its side.
        var received = new List<string>();
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            while (received.Count == 0 || !received[^1].EndsWith("""{"cursor":200}}""", StringComparison.Ordinal))
            {
                var result = await healthyPeer.ReceiveAsync(buffer, CancellationToken.None);
                lock (received)
                {
                    received.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
                }
            }
        });

        for (var i = 0; i < 200; i++)
        {
            await engine.PushAsync([M.Create($"t{i}", "x")]);
            if (i % 10 == 0)
            {
                await Task.Yield();
            }

            // Keep the healthy queue drained so only the stalled one overflows.
            while (healthy.Closed.IsCancellationRequested is false && LastCursor(received) < i - 2 && !reader.IsCompleted)
            {
                await Task.WhenAny(reader, Task.Delay(1));
            }
        }

        await reader.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(stalled.Closed.IsCancellationRequested, "the stalled subscriber was disconnected");
        Assert.Equal(1, hub.SessionCount);
        Assert.InRange(received.Count, 1, 200); // advances close together may be coalesced into the highest
        Assert.EndsWith("""{"cursor":200}}""", received[^1], StringComparison.Ordinal);
        healthy.Abort();
        await senders.WaitAsync(TimeSpan.FromSeconds(5));
        stalledClient.Dispose();
    }

    private static int LastCursor(List<string> received)
    {
        lock (received)
        {
            return received.Count == 0 ? 0 : System.Text.Json.JsonDocument.Parse(received[^1]).RootElement.GetProperty("data").GetProperty("cursor").GetInt32();
        }
    }
}
