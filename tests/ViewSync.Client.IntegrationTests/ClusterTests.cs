using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Cluster.Host;
using Xunit.Abstractions;

namespace ViewSync.Client.IntegrationTests;

/// <summary>
/// Three server processes (ViewSync.Cluster.Host) on one shared storage, as behind a load balancer with no sticky
/// sessions: clients on different nodes converge, a live change on one node reaches a client of another, concurrent
/// pushes through all three never let a pull skip a change, and a SIGKILL of a node in the middle of a push storm
/// loses no acknowledged mutation and applies none twice.
/// </summary>
public abstract class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string StormScope = "storm";
    private const int Writers = 6;
    private const int BatchesPerWriter = 40;
    private const int BatchSize = 10;
    private readonly List<ClusterNode> _nodes = [];
    private int _resent;

    /// <summary>The output of the test.</summary>
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>The nodes, started on <see cref="StorageArgumentsAsync"/>.</summary>
    private protected IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>The storage every node shares, as the host's command line (e.g. <c>["sqlite", path]</c>).</summary>
    protected abstract Task<IReadOnlyList<string>> StorageArgumentsAsync();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var storage = await StorageArgumentsAsync();
        var started = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => ClusterNode.StartAsync($"node{i}", storage, Output)));
        _nodes.AddRange(started);
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Clients_attached_to_different_nodes_converge()
    {
        var clients = Nodes.Select(node => Client(node, "team", live: false)).ToList();
        try
        {
            foreach (var client in clients)
            {
                await client.StartAsync();
            }

            for (var i = 0; i < clients.Count; i++)
            {
                new ClusterDb(clients[i]).Mutate.Add("shared", $"from-node{i + 1}");
                new ClusterDb(clients[i]).Mutate.Add($"own{i + 1}", "x");
            }

            await Eventually.TrueAsync(
                () => clients.All(c => Tags(c, "shared").Order().SequenceEqual(["from-node1", "from-node2", "from-node3"]) &&
                    Enumerable.Range(1, 3).All(i => Tags(c, $"own{i}").SequenceEqual(["x"]))),
                "every client, each on its own node, holds every client's writes",
                TimeSpan.FromSeconds(60));

            // The server decided one order for the shared tally, and every client holds that same order.
            var order = Tags(clients[0], "shared");
            Assert.All(clients, c => Assert.Equal(order, Tags(c, "shared")));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Concurrent_pushes_through_three_nodes_never_let_a_pull_skip_a_change_and_a_killed_node_loses_nothing()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var planned = Writers * BatchesPerWriter * BatchSize;
        var acknowledged = new ConcurrentDictionary<string, ulong>(StringComparer.Ordinal);
        var killAt = planned / 3;
        var killed = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();

        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() => ReadContinuallyAsync(http, r, stop.Token))).ToList();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(http, w, acknowledged, killAt, killed))).ToList();
        var killer = Task.Run(async () =>
        {
            await killed.Task.WaitAsync(TimeSpan.FromMinutes(3));
            await Nodes[1].KillAsync();
            Output.WriteLine($"SIGKILL node2 after {acknowledged.Count} acknowledged mutations");
        });

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(5));
        await killer;
        await stop.CancelAsync();
        var seenByReaders = await Task.WhenAll(readers);

        // The whole log of the scope, read from the start through a surviving node.
        var log = await PullAllAsync(http, Nodes[2], 0, 100);
        var cursors = log.Select(c => c.Cursor).ToList();
        Assert.Equal(cursors.Order(), cursors);
        Assert.Equal(cursors.Count, cursors.Distinct().Count());
        foreach (var seen in seenByReaders)
        {
            // The reader stopped somewhere; it then drains from where it was to the end, as a client would.
            var rest = await PullAllAsync(http, Nodes[0], seen.Count == 0 ? 0 : seen[^1], 7);
            var all = seen.Concat(rest.Select(c => c.Cursor)).ToList();
            Assert.Equal(cursors, all);   // nothing appeared behind a reader's cursor: it saw every change, in order
        }

        // Every acknowledged mutation applied exactly once: a tag per run of tally.add.
        var tallies = await SnapshotAsync(http, Nodes[0]);
        var applied = tallies.Values.SelectMany(tags => tags).ToList();
        var duplicates = applied.Count - applied.Distinct().Count();
        var lost = acknowledged.Keys.Count(tag => !applied.Contains(tag));
        var unacknowledged = applied.Distinct().Count(tag => !acknowledged.ContainsKey(tag));
        Output.WriteLine($"planned {planned}, acknowledged {acknowledged.Count}, applied {applied.Count}, duplicates {duplicates}, lost {lost}, applied but never acknowledged {unacknowledged}; batches sent again after a refused or lost answer {_resent}; log {cursors.Count} changes");
        Assert.True(_resent > 0, "no batch met the killed node: the kill proved nothing");
        Assert.Equal(planned, acknowledged.Count);
        Assert.Equal(0, duplicates);
        Assert.Equal(0, lost);
        Assert.Equal(planned, applied.Count);

        // Each writer's tally holds its tags in the order it pushed them: retries through another node kept the order.
        foreach (var (id, tags) in tallies)
        {
            var indexes = tags.Select(t => int.Parse(t[(t.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(indexes.SequenceEqual(indexes.Order()), $"{id} holds its tags out of order");
        }
    }

    [Fact]
    public async Task A_node_killed_after_a_batchs_writes_and_before_its_commit_keeps_none_of_them_and_the_retry_applies_each_once()
    {
        const string Scope = "crash";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var adds = new[] { ("m-a", "a"), ("m-b", "b") };
        string Batch(bool crash) => new JsonObject
        {
            ["mutations"] = new JsonArray(
            [
                .. adds.Select(add => (JsonNode)new JsonObject
                {
                    ["id"] = add.Item1, ["name"] = "tally.add", ["scope"] = Scope, ["args"] = new JsonObject { ["id"] = "t", ["tag"] = add.Item2 },
                }),
                .. crash ? [new JsonObject { ["id"] = "m-crash", ["name"] = "node.crash", ["scope"] = Scope, ["args"] = new JsonObject { ["reason"] = "mid-batch" } }] : Array.Empty<JsonNode>(),
            ]),
        }.ToJsonString();

        // Node 1 writes both adds inside the batch's transaction, then dies before its commit: no answer comes back.
        Assert.Null(await TryPushAsync(http, Nodes[0], Batch(crash: true)));
        await Nodes[0].WaitForExitAsync();

        // None of it is visible through another node: not in the log, not in the state.
        Assert.Empty(await PullAllAsync(http, Nodes[1], 0, 100, Scope));
        Assert.Empty(await SnapshotAsync(http, Nodes[1], Scope));

        // The client's retry (same ids) applies each once, at the first cursors of the scope's log.
        var results = await TryPushAsync(http, Nodes[1], Batch(crash: false));
        Assert.NotNull(results);
        Assert.All(results, r => Assert.True(r!["ok"]!.GetValue<bool>(), r!.ToJsonString()));
        var log = await PullAllAsync(http, Nodes[2], 0, 100, Scope);
        Assert.Equal(2, log.Count);
        Assert.Equal(["a", "b"], (await SnapshotAsync(http, Nodes[2], Scope))["t"]);

        // A second retry is answered from the record: still applied once.
        var again = await TryPushAsync(http, Nodes[2], Batch(crash: false));
        Assert.Equal(results.Select(r => r!["cursor"]!.GetValue<ulong>()), again!.Select(r => r!["cursor"]!.GetValue<ulong>()));
        Assert.Equal(["a", "b"], (await SnapshotAsync(http, Nodes[1], Scope))["t"]);
    }

    /// <summary>A SyncClient of the cluster's model on <paramref name="node"/>.</summary>
    private protected static SyncClient Client(ClusterNode node, string scope, bool live, TimeSpan? pullInterval = null) =>
        new(ClusterDb.Mutators, new SyncClientOptions
        {
            BaseUrl = node.SyncUrl,
            Scope = scope,
            Live = live ? new LiveOptions { ReconnectDelay = TimeSpan.FromMilliseconds(100) } : null,
            PullInterval = pullInterval ?? TimeSpan.FromMilliseconds(200),
            PushInterval = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
        });

    /// <summary>The tags of a tally as <paramref name="client"/> sees it (empty when it has none).</summary>
    private protected static IReadOnlyList<string> Tags(SyncClient client, string id) =>
        new ClusterDb(client).Tallies.Get(id).Get()?.Tags ?? [];

    /// <summary>
    /// Pushes this writer's batches in order, each through the next node; a batch whose answer is lost (a refused or
    /// broken connection, a 5xx) is sent again, unchanged, through the next node, as a client would.
    /// </summary>
    private async Task WriteAsync(HttpClient http, int writer, ConcurrentDictionary<string, ulong> acknowledged, int killAt, TaskCompletionSource killed)
    {
        var node = writer;
        for (var batch = 0; batch < BatchesPerWriter; batch++)
        {
            var tags = Enumerable.Range(batch * BatchSize, BatchSize).Select(i => $"w{writer}-{i}").ToList();
            var body = new JsonObject
            {
                ["mutations"] = new JsonArray(tags.Select(tag => (JsonNode)new JsonObject
                {
                    ["id"] = Guid.NewGuid().ToString("N"),
                    ["name"] = "tally.add",
                    ["scope"] = StormScope,
                    ["args"] = new JsonObject { ["id"] = $"w{writer}", ["tag"] = tag },
                }).ToArray()),
            }.ToJsonString();
            for (var attempt = 0; ; attempt++)
            {
                Assert.True(attempt < 50, $"writer {writer} could not push batch {batch} through any node");
                var target = Nodes[node++ % Nodes.Count];
                var results = await TryPushAsync(http, target, body);
                if (results is null)
                {
                    Interlocked.Increment(ref _resent);
                    continue;
                }

                Assert.Equal(tags.Count, results.Count);
                for (var i = 0; i < tags.Count; i++)
                {
                    Assert.True(results[i]!["ok"]!.GetValue<bool>(), $"{tags[i]} was rejected: {results[i]}");
                    acknowledged[tags[i]] = results[i]!["cursor"]!.GetValue<ulong>();
                }

                break;
            }

            if (acknowledged.Count >= killAt)
            {
                killed.TrySetResult();
            }
        }
    }

    private static async Task<JsonArray?> TryPushAsync(HttpClient http, ClusterNode node, string body)
    {
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(node.SyncUrl, "push"), content);
            if ((int)response.StatusCode >= 500)
            {
                return null;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["results"]!.AsArray();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;   // the node is gone or the answer was lost: the same batch goes again elsewhere
        }
    }

    /// <summary>Pulls the storm scope page by page, each page from the next node, until stopped: the cursors it saw, in order.</summary>
    private async Task<List<ulong>> ReadContinuallyAsync(HttpClient http, int reader, CancellationToken stop)
    {
        var seen = new List<ulong>();
        ulong cursor = 0;
        var node = reader;
        while (!stop.IsCancellationRequested)
        {
            var target = Nodes[node++ % Nodes.Count];
            if (target.IsKilled)
            {
                continue;
            }

            try
            {
                var (changes, next, _) = await PullPageAsync(http, target, cursor, 7);
                foreach (var change in changes)
                {
                    Assert.True(change.Cursor > cursor, $"reader {reader} got cursor {change.Cursor} after {cursor}");
                    seen.Add(change.Cursor);
                    cursor = change.Cursor;
                }

                cursor = Math.Max(cursor, next);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // that node was killed under the reader: the next page comes from another
            }
        }

        Output.WriteLine($"reader {reader} saw {seen.Count} changes while the storm ran");
        return seen;
    }

    private static async Task<List<(ulong Cursor, string Id)>> PullAllAsync(HttpClient http, ClusterNode node, ulong cursor, int limit, string scope = StormScope)
    {
        var all = new List<(ulong Cursor, string Id)>();
        while (true)
        {
            var (changes, next, hasMore) = await PullPageAsync(http, node, cursor, limit, scope);
            all.AddRange(changes);
            cursor = next;
            if (!hasMore)
            {
                return all;
            }
        }
    }

    private static async Task<(List<(ulong Cursor, string Id)> Changes, ulong Next, bool HasMore)> PullPageAsync(HttpClient http, ClusterNode node, ulong cursor, int limit, string scope = StormScope)
    {
        using var content = new StringContent($$"""{"scope":"{{scope}}","cursor":{{cursor}},"limit":{{limit}}}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(node.SyncUrl, "pull"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var changes = page.RootElement.TryGetProperty("changes", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(c => (c.GetProperty("cursor").GetUInt64(), c.GetProperty("data").GetProperty("id").GetString()!)).ToList()
            : [];
        var next = page.RootElement.TryGetProperty("next_cursor", out var n) && n.ValueKind == JsonValueKind.Number
            ? n.GetUInt64()
            : changes.Count > 0 ? changes[^1].Item1 : cursor;
        var hasMore = page.RootElement.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True;
        return (changes, next, hasMore);
    }

    private static async Task<Dictionary<string, List<string>>> SnapshotAsync(HttpClient http, ClusterNode node, string scope = StormScope)
    {
        using var content = new StringContent($$"""{"scope":"{{scope}}"}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(node.SyncUrl, "snapshot"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var tallies = snapshot.RootElement.GetProperty("data").TryGetProperty("tally", out var t) ? t : default;
        return tallies.ValueKind != JsonValueKind.Object
            ? []
            : tallies.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("tags").EnumerateArray().Select(e => e.GetString()!).ToList());
    }

    /// <summary>
    /// Subscribes a raw WebSocket to <paramref name="scope"/> on <paramref name="listener"/>, then pushes through
    /// <paramref name="writer"/> until a notification for a cursor at or after the push arrives (a notification
    /// for an earlier change could not prove the push reached the listener's node): true when one did.
    /// </summary>
    private protected static async Task<bool> LiveCrossesNodesAsync(ClusterNode writer, ClusterNode listener, string scope)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var socket = new ClientWebSocket();
        var live = new UriBuilder(new Uri(listener.Root, "_live")) { Scheme = "ws", Query = $"scope={Uri.EscapeDataString(scope)}" }.Uri;
        await socket.ConnectAsync(live, CancellationToken.None);
        await socket.SendAsync("""{"topic":"subscribe","data":{}}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var notified = Channel.CreateUnbounded<ulong>();
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (socket.State == WebSocketState.Open)
            {
                var frame = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (frame.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var message = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, frame.Count))!;
                var data = message["data"] is JsonValue value && value.TryGetValue<string>(out var text) ? JsonNode.Parse(text)! : message["data"]!;
                if (message["topic"]!.GetValue<string>() == $"sync:{scope}")
                {
                    notified.Writer.TryWrite(data["cursor"]!.GetValue<ulong>());
                }
            }
        });
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var push = $$$"""{"mutations":[{"id":"{{{Guid.NewGuid():N}}}","name":"tally.add","scope":"{{{scope}}}","args":{"id":"live","tag":"t{{{attempt}}}"}}]}""";
            using var content = new StringContent(push, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(writer.SyncUrl, "push"), content);
            response.EnsureSuccessStatusCode();
            var pushed = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["results"]![0]!["cursor"]!.GetValue<ulong>();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                while (await notified.Reader.ReadAsync(wait.Token) < pushed)
                {
                }

                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                return true;
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested)
            {
                // not yet (the subscription may not have been registered before this push): push again
            }
        }

        socket.Abort();
        await receiving.ContinueWith(_ => { }, TaskScheduler.Default);
        return false;
    }
}
