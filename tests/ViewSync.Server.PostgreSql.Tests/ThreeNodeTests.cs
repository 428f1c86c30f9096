using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.PostgreSql.Tests;

/// <summary>
/// Three real server processes (samples/Todo.Server with <c>--postgres</c>) on one PostgreSQL database, on free
/// loopback ports, sharing a token signing key as nodes behind one load balancer would: the sample deploys as
/// documented. (The push storm with a SIGKILL of a node, and readers that must never skip a change, runs on
/// the ViewSync.Cluster.Host nodes: ViewSync.Client.IntegrationTests' PostgreSqlClusterTests.)
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ThreeNodeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<ServerProcess> _nodes = [];
    private string _token = "";

    public async Task InitializeAsync()
    {
        var database = $"t_{Guid.NewGuid():N}";
        await postgres.ScalarAsync($"CREATE DATABASE {database}");
        var connectionString = postgres.Cluster.ConnectionStringFor(database);
        // The first node creates the schema; the other two start together, as nodes of a deployment might.
        _nodes.Add(await ServerProcess.StartOnPostgreSqlAsync(connectionString, _signingKey));
        _nodes.AddRange(await Task.WhenAll(ServerProcess.StartOnPostgreSqlAsync(connectionString, _signingKey), ServerProcess.StartOnPostgreSqlAsync(connectionString, _signingKey)));
        using var http = new HttpClient();
        using var signIn = await http.PostAsync(new Uri(_nodes[0].Root, "auth/sign-in"), new StringContent("""{"user":"alice"}""", Encoding.UTF8, "application/json"));
        signIn.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync());
        _token = body.RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private HttpClient Client(int node) => new()
    {
        BaseAddress = new Uri(_nodes[node].Root, "_sync/"),
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", _token) },
    };

    private static string Create(string mutationId, string todoId) =>
        $$$$"""{"id":"{{{{mutationId}}}}","name":"todo.create","scope":"user:alice","args":{"id":"{{{{todoId}}}}","data":{"id":"{{{{todoId}}}}","title":"t","done":false}}}""";

    /// <summary>Pushes a batch; returns each mutation's cursor, or throws when the request fails (the node died, a 5xx).</summary>
    private static async Task<ulong[]> PushAsync(HttpClient http, IEnumerable<string> mutations)
    {
        using var content = new StringContent($$"""{"mutations":[{{string.Join(',', mutations)}}]}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("push", content);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("results").EnumerateArray().Select(r =>
            r.GetProperty("ok").GetBoolean() ? r.GetProperty("cursor").GetUInt64() : throw new InvalidOperationException($"rejected: {r}")).ToArray();
    }

    /// <summary>Pulls one page as a client does; returns (cursor, todo id) per change and the cursor to continue from.</summary>
    private static async Task<(List<(ulong Cursor, string Id)> Changes, ulong Next, bool HasMore)> PullAsync(HttpClient http, ulong cursor, int limit = 50)
    {
        using var content = new StringContent($$"""{"scope":"user:alice","cursor":{{cursor}},"limit":{{limit}}}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("pull", content);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var changes = body.RootElement.GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("cursor").GetUInt64(), c.GetProperty("data").GetProperty("id").GetString()!)).ToList();
        var hasMore = body.RootElement.TryGetProperty("has_more", out var more) && more.GetBoolean();
        var next = body.RootElement.TryGetProperty("next_cursor", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetUInt64() : changes.Count > 0 ? changes[^1].Item1 : cursor;
        return (changes, next, hasMore);
    }

    private static async Task<List<(ulong Cursor, string Id)>> PullAllAsync(HttpClient http)
    {
        var all = new List<(ulong, string)>();
        ulong cursor = 0;
        while (true)
        {
            var (changes, next, hasMore) = await PullAsync(http, cursor, 500);
            all.AddRange(changes);
            cursor = next;
            if (!hasMore)
            {
                return all;
            }
        }
    }

    [Fact]
    public async Task Clients_on_different_nodes_converge_and_a_push_on_node_1_wakes_a_live_client_on_node_3()
    {
        using var node1 = Client(0);
        using var node2 = Client(1);
        using var node3 = Client(2);
        using var live = new ClientWebSocket();
        live.Options.SetRequestHeader("Authorization", "Bearer " + _token);
        using var timeout = new CancellationTokenSource(Patience);
        await live.ConnectAsync(new Uri($"ws://{_nodes[2].Root.Authority}/_live?scope=user%3Aalice"), timeout.Token);
        await live.SendAsync("""{"topic":"subscribe","data":{}}"""u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        var frames = Channel();
        _ = ReceiveAsync(live, frames, timeout.Token);

        // Node 3 may not have registered the socket (or its LISTEN) yet when the first push commits: push on node 1
        // until node 3's live client hears one of those pushes' cursors. Nothing else writes the scope.
        var pushed = new ConcurrentBag<ulong>();
        ulong heard = 0;
        for (var i = 0; heard == 0; i++)
        {
            pushed.Add((await PushAsync(node1, [Create($"live-{i}", $"live-{i}")]))[0]);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(500));
            try
            {
                while (heard == 0)
                {
                    var frame = await frames.Reader.ReadAsync(wait.Token);
                    if (frame.Topic == "sync:user:alice" && pushed.Contains(frame.Cursor))
                    {
                        heard = frame.Cursor;
                    }
                }
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
            }
        }

        Assert.Contains(heard, pushed);
        // Writes through nodes 2 and 3 as well; every node then answers the same log and the same state.
        await PushAsync(node2, [Create("n2", "from-node-2")]);
        await PushAsync(node3, [Create("n3", "from-node-3")]);
        var logs = await Task.WhenAll(PullAllAsync(node1), PullAllAsync(node2), PullAllAsync(node3));
        Assert.Equal(logs[0], logs[1]);
        Assert.Equal(logs[0], logs[2]);
        Assert.Contains(logs[0], c => c.Id == "from-node-2");
        Assert.Contains(logs[0], c => c.Id == "from-node-3");
        var snapshots = await Task.WhenAll(Enumerable.Range(0, 3).Select(async n =>
        {
            using var http = Client(n);
            using var response = await http.PostAsync("snapshot", new StringContent("""{"scope":"user:alice"}""", Encoding.UTF8, "application/json"));
            return await response.Content.ReadAsStringAsync();
        }));
        Assert.Equal(snapshots[0], snapshots[1]);
        Assert.Equal(snapshots[0], snapshots[2]);
    }

    private static System.Threading.Channels.Channel<(string Topic, ulong Cursor)> Channel() =>
        System.Threading.Channels.Channel.CreateUnbounded<(string, ulong)>();

    private static async Task ReceiveAsync(ClientWebSocket socket, System.Threading.Channels.Channel<(string Topic, ulong Cursor)> frames, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                using var frame = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                var data = frame.RootElement.GetProperty("data");
                if (data.ValueKind == JsonValueKind.String)
                {
                    using var inner = JsonDocument.Parse(data.GetString()!);
                    frames.Writer.TryWrite((frame.RootElement.GetProperty("topic").GetString()!, inner.RootElement.GetProperty("cursor").GetUInt64()));
                }
                else if (data.TryGetProperty("cursor", out var cursor))
                {
                    frames.Writer.TryWrite((frame.RootElement.GetProperty("topic").GetString()!, cursor.GetUInt64()));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            frames.Writer.TryComplete();
        }
    }
}
