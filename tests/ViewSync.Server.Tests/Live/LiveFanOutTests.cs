using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ViewSync.Server.Engine;
using ViewSync.Server.Live;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;
using M = ViewSync.Server.Tests.Support.Mutations;

namespace ViewSync.Server.Tests.Live;

/// <summary>
/// The hub's scope index and its background fan-out: who hears what, in which order, and that nobody slow
/// holds anybody up. Sessions are real WebSockets (over in-memory pipes, or over loopback through the server).
/// </summary>
public sealed class LiveFanOutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static SyncEngine NewEngine() => new(new InMemorySyncStorage(), new SyncEngineOptions { Mutators = TodoSample.TodoDb.Mutators });

    [Fact]
    public async Task A_change_reaches_only_the_subscribers_of_its_scope()
    {
        await using var engine = NewEngine();
        await using var hub = new LiveHub(engine);
        await using var a1 = new LivePeer("user:a");
        await using var a2 = new LivePeer("user:a");
        await using var b = new LivePeer("user:b");
        foreach (var peer in new[] { a1, a2, b })
        {
            hub.Add(peer.Session);
            hub.Subscribe(peer.Session);
        }

        Assert.Equal(2, hub.SubscribersOf("user:a").Count);
        Assert.Single(hub.SubscribersOf("user:b"));

        var toA = await engine.PushAsync([M.Create("x", "x", scope: "user:a")]);
        var toB = await engine.PushAsync([M.Create("y", "y", scope: "user:b")]);

        Assert.Equal(("sync:user:a", toA[0].Cursor!.Value), await a1.NextAsync());
        Assert.Equal(("sync:user:a", toA[0].Cursor!.Value), await a2.NextAsync());
        // b's first frame is its own scope's: user:a's change never reached it.
        Assert.Equal(("sync:user:b", toB[0].Cursor!.Value), await b.NextAsync());
    }

    [Fact]
    public async Task A_session_that_switches_scope_stops_hearing_the_old_one()
    {
        await using var engine = NewEngine();
        await using var hub = new LiveHub(engine);
        await using var peer = new LivePeer("user:a");
        hub.Add(peer.Session);
        hub.Subscribe(peer.Session);
        var first = await engine.PushAsync([M.Create("1", "x", scope: "user:a")]);
        Assert.Equal(("sync:user:a", first[0].Cursor!.Value), await peer.NextAsync());

        hub.Subscribe(peer.Session, "user:b");
        Assert.Empty(hub.SubscribersOf("user:a")); // the index forgets the old scope
        Assert.Single(hub.SubscribersOf("user:b"));
        await engine.PushAsync([M.Create("2", "x", scope: "user:a")]);
        var onB = await engine.PushAsync([M.Create("3", "x", scope: "user:b")]);

        Assert.Equal(("sync:user:b", onB[0].Cursor!.Value), await peer.NextAsync()); // and user:a's change 2 never came
        Assert.Equal(1, hub.SubscribedScopeCount);
    }

    [Fact]
    public async Task Unsubscribing_resubscribing_and_closing_keep_the_index_right()
    {
        await using var engine = NewEngine();
        await using var hub = new LiveHub(engine);
        await using var stays = new LivePeer("user:a");
        await using var leaves = new LivePeer("user:a");
        hub.Add(stays.Session);
        hub.Add(leaves.Session);
        hub.Subscribe(stays.Session);
        hub.Subscribe(leaves.Session);
        hub.Subscribe(leaves.Session); // twice is once
        Assert.Equal(2, hub.SubscribersOf("user:a").Count);

        hub.Unsubscribe(leaves.Session);
        Assert.Same(stays.Session, Assert.Single(hub.SubscribersOf("user:a")));
        var unheard = await engine.PushAsync([M.Create("1", "x", scope: "user:a")]);
        Assert.Equal(("sync:user:a", unheard[0].Cursor!.Value), await stays.NextAsync());

        hub.Subscribe(leaves.Session);
        var heard = await engine.PushAsync([M.Create("2", "x", scope: "user:a")]);
        Assert.Equal(("sync:user:a", heard[0].Cursor!.Value), await leaves.NextAsync()); // not the change made while unsubscribed

        hub.Remove(leaves.Session); // the connection closed
        hub.Remove(stays.Session);
        Assert.Empty(hub.SubscribersOf("user:a"));
        Assert.Equal(0, hub.SubscribedScopeCount);
        Assert.Equal(0, hub.SessionCount);
    }

    [Fact]
    public async Task A_late_lower_cursor_is_never_sent_after_a_higher_one()
    {
        var engine = new AnnouncingEngine();
        await using var hub = new LiveHub(engine);
        await using var a = new LivePeer("user:a");
        await using var fence = new LivePeer("user:fence");
        foreach (var peer in new[] { a, fence })
        {
            hub.Add(peer.Session);
            hub.Subscribe(peer.Session);
        }

        engine.Announce("user:a", 10);
        Assert.Equal(("sync:user:a", 10UL), await a.NextAsync());

        // Two pushes that committed 5 then 10 announced in the other order. Once the fence's frame (announced
        // after the 5) has arrived, the loop has dealt with the 5 as well.
        engine.Announce("user:a", 5);
        engine.Announce("user:fence", 6);
        Assert.Equal(("sync:user:fence", 6UL), await fence.NextAsync());
        engine.Announce("user:a", 11);

        Assert.Equal(("sync:user:a", 11UL), await a.NextAsync());
    }

    [Fact]
    public async Task Concurrent_pushes_to_one_scope_are_heard_in_increasing_order_up_to_the_last()
    {
        await using var engine = NewEngine();
        await using var hub = new LiveHub(engine);
        await using var peer = new LivePeer("user:a", capacity: 10_000);
        hub.Add(peer.Session);
        hub.Subscribe(peer.Session);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var last = 0UL;
            for (var i = 0; i < 100; i++)
            {
                last = Math.Max(last, (await engine.PushAsync([M.Create($"w{w}-{i}", "x", scope: "user:a")]))[0].Cursor!.Value);
            }

            return last;
        })));

        var frames = await peer.UntilAsync("sync:user:a", results.Max());
        Assert.Equal(800UL, frames[^1].Cursor);
        for (var i = 1; i < frames.Count; i++)
        {
            Assert.True(frames[i].Cursor > frames[i - 1].Cursor, $"frame {i} ({frames[i].Cursor}) came after {frames[i - 1].Cursor}");
        }
    }

    [Fact]
    public async Task A_dead_subscriber_holds_up_neither_the_pusher_nor_the_others()
    {
        await using var engine = NewEngine();
        await using var hub = new LiveHub(engine);
        // Never reads: its socket stalls after 256 bytes, then its queue fills after 4 frames.
        await using var dead = new LivePeer("user:a", capacity: 4, pauseAt: 256, read: false);
        await using var alive = new LivePeer("user:a");
        await using var elsewhere = new LivePeer("user:b");
        foreach (var peer in new[] { dead, alive, elsewhere })
        {
            hub.Add(peer.Session);
            hub.Subscribe(peer.Session);
        }

        // One frame per push (each heard before the next), far more than the dead one can hold.
        for (var i = 0; i < 50; i++)
        {
            var cursor = (await engine.PushAsync([M.Create($"t{i}", "x", scope: "user:a")]).WaitAsync(Timeout))[0].Cursor!.Value;
            Assert.Equal(("sync:user:a", cursor), (await alive.UntilAsync("sync:user:a", cursor))[^1]);
        }

        var toB = await engine.PushAsync([M.Create("b", "x", scope: "user:b")]).WaitAsync(Timeout);
        Assert.Equal(("sync:user:b", toB[0].Cursor!.Value), await elsewhere.NextAsync());
        await Eventually(() => dead.Session.Closed.IsCancellationRequested && !hub.SubscribersOf("user:a").Contains(dead.Session));
        Assert.Contains(alive.Session, hub.SubscribersOf("user:a"));
    }

    [Fact]
    public async Task Disposing_the_hub_fans_out_what_was_announced_then_stops()
    {
        var engine = new AnnouncingEngine();
        var hub = new LiveHub(engine);
        await using var peer = new LivePeer("user:a");
        hub.Add(peer.Session);
        hub.Subscribe(peer.Session);

        engine.Announce("user:a", 7);
        await hub.DisposeAsync().AsTask().WaitAsync(Timeout);
        engine.Announce("user:a", 8); // after disposal nobody listens, and announcing is harmless

        Assert.Equal(("sync:user:a", 7UL), await peer.NextAsync());
    }

    [Fact]
    public async Task Unsubscribe_and_subscribe_over_a_real_connection()
    {
        await using var server = await ServerHost.StartAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(server.LiveUri("user:1"), CancellationToken.None);
        await SendAsync(socket, """{"topic":"subscribe","data":{}}""");
        var hub = (LiveHub)server.Services.GetService(typeof(LiveHub))!;
        await Eventually(() => hub.SubscribersOf("user:1").Count == 1);
        const string CatchUp = """{"topic":"sync:user:1","data":{"cursor":0}}""";
        Assert.Equal(CatchUp, await ReceiveAsync(socket)); // a new subscription is told to pull once

        await SendAsync(socket, """{"topic":"unsubscribe","data":{}}""");
        await Eventually(() => hub.SubscribersOf("user:1").Count == 0);
        await server.PostAsync("push", Push("while-away", "user:1"));
        await SendAsync(socket, """{"topic":"subscribe","data":{}}""");
        await Eventually(() => hub.SubscribersOf("user:1").Count == 1);
        var (_, body) = await server.PostAsync("push", Push("back", "user:1"));

        var cursor = JsonDocument.Parse(body).RootElement.GetProperty("results")[0].GetProperty("cursor").GetUInt64();
        Assert.Equal(CatchUp, await ReceiveAsync(socket)); // subscribing again: pull once to catch up
        Assert.Equal($$$"""{"topic":"sync:user:1","data":{"cursor":{{{cursor}}}}}""", await ReceiveAsync(socket)); // then nothing from while it was away

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await Eventually(() => hub.SessionCount == 0 && hub.SubscribedScopeCount == 0);
    }

    private static string Push(string id, string scope) =>
        $$$$"""{"mutations":[{"id":"{{{{id}}}}","name":"todo.create","scope":"{{{{scope}}}}","args":{"id":"{{{{id}}}}","data":{"id":"{{{{id}}}}","title":"x","done":false}}}]}""";

    private static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within the timeout");
            await Task.Delay(10);
        }
    }
}
