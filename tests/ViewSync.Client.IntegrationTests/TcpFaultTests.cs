using ViewSync.Client.IntegrationTests.Simulation;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary>Real HTTP through a TCP proxy that refuses, resets and delays connections: nothing lost, nothing applied twice.</summary>
public sealed class TcpFaultTests
{
    [Fact]
    public async Task Counters_end_exactly_at_the_sum_of_accepted_adds_despite_dropped_and_reset_connections()
    {
        await using var server = await ServerHost.StartAsync(mutators: SimDb.Mutators);
        await using var proxy = new TcpFaultProxy(server.Root, seed: 11);
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, MaxConnectionsPerServer = 2 }) { Timeout = TimeSpan.FromSeconds(5) };
        await using var client = new SyncClient(SimDb.Mutators, new SyncClientOptions
        {
            BaseUrl = new Uri(proxy.Root, "_sync/"),
            Scope = "tcp",
            PushInterval = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            PullInterval = TimeSpan.FromMilliseconds(100),
            HttpClient = http,
        });
        await client.StartAsync();
        var db = new SimDb(client);
        var expected = new Dictionary<string, long>();
        var random = new Random(3);

        for (var i = 0; i < 150; i++)
        {
            var id = $"c{random.Next(5)}";
            var amount = random.Next(1, 10);
            db.Mutate.Add(id, amount);
            expected[id] = expected.GetValueOrDefault(id) + amount;
            if (i % 15 == 0)
            {
                await Eventually.TrueAsync(() => client.PendingCount.Get() < 40, "the client keeps up");
            }
        }

        await Eventually.TrueAsync(() => proxy.Refused > 0 && proxy.Reset > 0, "the proxy has refused and reset connections", TimeSpan.FromSeconds(30));
        proxy.Faulty = false;
        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0, "every add is confirmed", TimeSpan.FromSeconds(60));

        var snapshot = await server.Engine.SnapshotAsync("tcp");
        foreach (var (id, total) in expected)
        {
            Assert.Equal(total, snapshot.Data["counter"][id].GetProperty("Value").GetInt64());
            Assert.Equal(total, db.Counters.Get(id).Get()!.Value);
        }
    }
}
