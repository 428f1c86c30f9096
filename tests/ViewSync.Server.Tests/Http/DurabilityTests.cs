using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Http;

/// <summary>Kill -9 the real server process during a push storm; everything it answered ok must survive.</summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"viewsync-durability-{Guid.NewGuid():N}");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private static string Create(string id) =>
        $$$$"""{"id":"{{{{id}}}}","name":"todo.create","scope":"user:storm","args":{"id":"{{{{id}}}}","data":{"id":"{{{{id}}}}","title":"x","done":false}}}""";

    [Fact]
    public async Task Every_acknowledged_mutation_survives_a_kill_and_replays_without_applying_twice()
    {
        var database = Path.Combine(_directory, "todo.db");
        var acknowledged = new ConcurrentDictionary<string, ulong>();
        var random = new Random(42);

        for (var round = 0; round < 3; round++)
        {
            await using var server = await ServerProcess.StartAsync(database);
            using var http = await server.SignInAsync("storm", TimeSpan.FromSeconds(10));
            var killAfter = acknowledged.Count + random.Next(30, 120);
            using var stop = new CancellationTokenSource();
            var storm = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var ids = Enumerable.Range(0, 5).Select(i => $"r{round}-w{worker}-{n}-{i}").ToList();
                    try
                    {
                        using var content = new StringContent($$"""{"mutations":[{{string.Join(",", ids.Select(Create))}}]}""", Encoding.UTF8, "application/json");
                        using var response = await http.PostAsync("push", content);
                        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                        var results = body.RootElement.GetProperty("results");
                        for (var i = 0; i < ids.Count; i++)
                        {
                            if (results[i].GetProperty("ok").GetBoolean())
                            {
                                acknowledged[ids[i]] = results[i].GetProperty("cursor").GetUInt64();
                            }
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
                    {
                        return; // the server died under us: this batch's outcome is unknown, and that is allowed
                    }
                }
            })).ToList();

            while (acknowledged.Count < killAfter && storm.Any(t => !t.IsCompleted))
            {
                await Task.WhenAny(Task.WhenAny(storm), Task.Delay(5));
            }

            await server.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(storm).WaitAsync(TimeSpan.FromSeconds(30));
        }

        await using var restarted = await ServerProcess.StartAsync(database);
        using var client = await restarted.SignInAsync("storm");
        using var snapshot = JsonDocument.Parse(await (await client.PostAsync("snapshot", new StringContent("""{"scope":"user:storm"}""", Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync());
        var stored = snapshot.RootElement.GetProperty("data").GetProperty("todo").EnumerateObject().Select(p => p.Name).ToHashSet();
        var headBefore = snapshot.RootElement.GetProperty("cursor").GetUInt64();

        var logged = new HashSet<string>();
        for (ulong cursor = 0; ;)
        {
            using var page = JsonDocument.Parse(await (await client.PostAsync("pull", new StringContent($$"""{"scope":"user:storm","cursor":{{cursor}},"limit":1000}""", Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync());
            foreach (var change in page.RootElement.GetProperty("changes").EnumerateArray())
            {
                Assert.True(logged.Add(change.GetProperty("data").GetProperty("id").GetString()!), "each mutation is in the log once");
            }

            cursor = page.RootElement.GetProperty("next_cursor").GetUInt64();
            if (!page.RootElement.GetProperty("has_more").GetBoolean())
            {
                break;
            }
        }

        Assert.True(acknowledged.Count >= 90, $"the storm acknowledged only {acknowledged.Count} mutations");
        Assert.All(acknowledged.Keys, id => Assert.Contains(id, stored));
        Assert.All(acknowledged.Keys, id => Assert.Contains(id, logged));
        Assert.Equal(stored, logged); // the log replays to the state

        // Replaying acknowledged mutations answers ok with their original cursors and appends nothing.
        foreach (var chunk in acknowledged.Keys.Take(100).Chunk(20))
        {
            using var content = new StringContent($$"""{"mutations":[{{string.Join(",", chunk.Select(Create))}}]}""", Encoding.UTF8, "application/json");
            using var body = JsonDocument.Parse(await (await client.PostAsync("push", content)).Content.ReadAsStringAsync());
            var results = body.RootElement.GetProperty("results");
            for (var i = 0; i < chunk.Length; i++)
            {
                Assert.True(results[i].GetProperty("ok").GetBoolean());
                Assert.Equal(acknowledged[chunk[i]], results[i].GetProperty("cursor").GetUInt64());
            }
        }

        using var after = JsonDocument.Parse(await (await client.PostAsync("snapshot", new StringContent("""{"scope":"user:storm"}""", Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync());
        Assert.Equal(headBefore, after.RootElement.GetProperty("cursor").GetUInt64());
    }
}
