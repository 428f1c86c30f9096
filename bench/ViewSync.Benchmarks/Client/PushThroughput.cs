using System.Diagnostics;
using System.Net;
using System.Text;
using TodoSample;

namespace ViewSync.Benchmarks;

/// <summary>
/// Push throughput with authentication off and on, in the same run: a real <see cref="SyncClient"/> over real HTTP
/// on loopback syncs a queue of optimistic creates (pushes in batches, then the pulls that confirm them) against
/// the in-memory server, once with the development switch and once with JWT bearer validation on every request.
/// Rounds alternate between the two so load on the machine hits both alike; the medians and their ratio are printed.
/// A last row measures the server alone: pre-serialized one-mutation pushes over raw HTTP from 4 connections.
/// <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --push-throughput</c>
/// </summary>
internal static class PushThroughput
{
    public static async Task RunAsync(int rounds = 7)
    {
        await using var off = await ThroughputServer.StartAsync(authenticated: false);
        await using var on = await ThroughputServer.StartAsync(authenticated: true);
        await CheckAuthenticationIsOnAsync(on);

        Console.WriteLine($"Push throughput on loopback, median of {rounds} alternating rounds each (in-memory server, {Environment.ProcessorCount} cores):");
        Console.WriteLine("| what | mutations per round | auth off: mutations/s | auth on (JWT bearer): mutations/s | requests/s off / on | on / off |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        var round = 0;
        // Rounds of a few thousand: the client's own work per acknowledged batch grows with the queue, and a
        // huge queue would measure that instead of the server.
        foreach (var (batch, mutations) in new[] { (100, 4_000), (1, 1_000) })
        {
            await MeasureAsync(off, batch, mutations / 10, $"warm{round++}");
            await MeasureAsync(on, batch, mutations / 10, $"warm{round++}");
            var offRuns = new List<Run>();
            var onRuns = new List<Run>();
            for (var i = 0; i < rounds; i++)
            {
                var first = i % 2 == 0 ? off : on;
                var second = i % 2 == 0 ? on : off;
                var a = await MeasureAsync(first, batch, mutations, $"r{round++}");
                var b = await MeasureAsync(second, batch, mutations, $"r{round++}");
                (first.Authenticated ? onRuns : offRuns).Add(a);
                (second.Authenticated ? onRuns : offRuns).Add(b);
            }

            var offRate = Median(offRuns.Select(r => r.MutationsPerSecond));
            var onRate = Median(onRuns.Select(r => r.MutationsPerSecond));
            Console.WriteLine($"| SyncClient, batch {batch} | {mutations:N0} | {offRate:N0} | {onRate:N0} | {Median(offRuns.Select(r => r.RequestsPerSecond)):N0} / {Median(onRuns.Select(r => r.RequestsPerSecond)):N0} | {onRate / offRate:F2} |");
        }

        // The server alone: pre-serialized one-mutation pushes from 4 concurrent connections, no client work.
        const int Pushes = 4_000;
        await RawPushesAsync(off, Pushes / 10, "warm-raw-off");
        await RawPushesAsync(on, Pushes / 10, "warm-raw-on");
        var rawOff = new List<double>();
        var rawOn = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            rawOff.Add(await RawPushesAsync(off, Pushes, $"raw-off{i}"));
            rawOn.Add(await RawPushesAsync(on, Pushes, $"raw-on{i}"));
        }

        var rawOffRate = Median(rawOff);
        var rawOnRate = Median(rawOn);
        Console.WriteLine($"| raw HTTP, 1 per push, 4 connections | {Pushes:N0} | {rawOffRate:N0} | {rawOnRate:N0} | {rawOffRate:N0} / {rawOnRate:N0} | {rawOnRate / rawOffRate:F2} |");
    }

    /// <summary>Pushes <paramref name="pushes"/> single creates from 4 concurrent connections; returns mutations (= requests) per second.</summary>
    private static async Task<double> RawPushesAsync(ThroughputServer server, int pushes, string user)
    {
        var token = server.TokenFor(user);
        using var http = new HttpClient { BaseAddress = new Uri(server.Root, "_sync/") };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        var bodies = Enumerable.Range(0, pushes).Select(i =>
            Encoding.UTF8.GetBytes($$$$"""{"mutations":[{"id":"{{{{user}}}}-{{{{i}}}}","name":"todo.create","scope":"user:{{{{user}}}}","args":{"id":"m{{{{i}}}}","data":{"id":"m{{{{i}}}}","title":"benchmark","done":false}}}]}""")).ToArray();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < pushes; i = Interlocked.Increment(ref next))
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("push", content);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || !body.Contains("\"ok\":true", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"A benchmark push was not applied ({(int)response.StatusCode}: {body}); the figure would be meaningless.");
                }
            }
        })));
        return pushes / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Syncs <paramref name="mutations"/> queued creates as user <paramref name="user"/>, in a scope of its own.</summary>
    private static async Task<Run> MeasureAsync(ThroughputServer server, int batch, int mutations, string user)
    {
        var token = server.TokenFor(user);
        var requests = 0;
        using var http = new HttpClient(new CountingHandler(() => Interlocked.Increment(ref requests))) { BaseAddress = new Uri(server.Root, "_sync/") };
        await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = http.BaseAddress,
            HttpClient = http,
            Scope = $"user:{user}",
            AutomaticSync = false,
            PushBatchSize = batch,
            AccessTokenProvider = token is null ? null : (_, _) => ValueTask.FromResult<string?>(token),
        });
        await client.StartAsync();
        var db = new TodoDb(client);
        for (var i = 0; i < mutations; i++)
        {
            db.Todos.Create(new Todo($"m{i}", "benchmark", false));
        }

        var clock = Stopwatch.StartNew();
        while (client.PendingCount.Get() > 0)
        {
            await client.SyncAsync();
        }

        clock.Stop();
        if (db.Todos.Count() != mutations || client.LastError.Get() is { } error)
        {
            throw new InvalidOperationException($"The round did not sync all {mutations} mutations cleanly; its figure would be meaningless.");
        }

        return new Run(mutations / clock.Elapsed.TotalSeconds, requests / clock.Elapsed.TotalSeconds);
    }

    /// <summary>The authenticated server must refuse a request without a token, or the comparison measures nothing.</summary>
    private static async Task CheckAuthenticationIsOnAsync(ThroughputServer server)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.Root, "_sync/") };
        using var response = await http.PostAsync("pull", new StringContent("""{"scope":"user:x","cursor":0}""", Encoding.UTF8, "application/json"));
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            throw new InvalidOperationException($"The authenticated server answered {(int)response.StatusCode} without a token; expected 401.");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private readonly record struct Run(double MutationsPerSecond, double RequestsPerSecond);

    private sealed class CountingHandler(Action onSend) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
