using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Benchmarks.Journal;
using ViewSync.Persistence;
using ViewSync.Protocol;
using ViewSync.Server;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;
using ViewSync.Store;

namespace ViewSync.Benchmarks;

/// <summary>
/// Live convergence latency on loopback: client A renames a todo, client B's effect sees it (push,
/// live notification, pull, rebase). Reported as percentiles over many round trips, next to the
/// bare HTTP round trip measured in the same run. <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --live-latency</c>
/// </summary>
/// <remarks>
/// With <c>--entities 100000</c> the server is seeded with that many todos and both clients keep their
/// journals in <see cref="FilePersistence"/> (temporary directories), so every round also appends a mutation
/// record on A and a page record on B over a large store (target: p50 ≤ 3 ms). The bare HTTP baseline then
/// asks for the snapshot of an empty scope, so it stays the same tiny round trip as without entities.
/// </remarks>
internal static class LiveLatency
{
    public static async Task RunAsync(int rounds = 500, int entities = 0)
    {
        var storage = new InMemorySyncStorage();
        await SeedAsync(storage, entities);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddViewSyncServer(o =>
        {
            o.AllowAnyScopeForDevelopment();
            o.Mutators = TodoDb.Mutators;
            o.StorageFactory = _ => storage;
        });
        await using var app = builder.Build();
        app.MapViewSync("/_sync");
        app.MapViewSyncLive("/_live");
        var root = await app.StartOnLoopbackAsync();

        var directories = new List<string>();
        SyncClient Client()
        {
            IPersistence? persistence = null;
            if (entities > 0)
            {
                directories.Add(JournalData.NewDirectory("live"));
                persistence = new FilePersistence(directories[^1]);
            }

            return new(TodoDb.Mutators, new SyncClientOptions { BaseUrl = new Uri(root, "_sync/"), Live = new LiveOptions(), PullInterval = TimeSpan.FromSeconds(30), Persistence = persistence });
        }

        try
        {
            await MeasureAsync(root, Client, rounds, entities);
        }
        finally
        {
            directories.ForEach(JournalData.DeleteDirectory);
        }
    }

    private static async Task MeasureAsync(Uri root, Func<SyncClient> client, int rounds, int entities)
    {
        await using var a = client();
        await using var b = client();
        await a.StartAsync();
        await b.StartAsync();
        var dbA = new TodoDb(a);
        var dbB = new TodoDb(b);
        // Both hold the whole store (a snapshot on first sync) before anything is timed.
        await WaitAsync(() => dbA.Todos.Count() >= entities && dbB.Todos.Count() >= entities, TimeSpan.FromSeconds(120));
        if (entities > 0)
        {
            Console.WriteLine($"Loaded: A holds {dbA.Todos.Count():N0} todos, B {dbB.Todos.Count():N0}, both journals open: {a.Replica.IsPersistent && b.Replica.IsPersistent}");
        }

        dbA.Todos.Create(new Todo("t", "0", false));
        await WaitAsync(() => dbB.Todos.Get("t").Get()?.Title == "0", TimeSpan.FromSeconds(10));
        var bareScope = entities > 0 ? "bench-empty" : Scopes.Default;

        using var http = new HttpClient { BaseAddress = new Uri(root, "_sync/") };
        var bare = new List<double>();
        var live = new List<double>();
        for (var i = 1; i <= rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var response = await http.PostAsync("snapshot", new StringContent($$"""{"scope":"{{bareScope}}"}""", System.Text.Encoding.UTF8, "application/json")))
            {
                await response.Content.ReadAsByteArrayAsync();
            }

            bare.Add(clock.Elapsed.TotalMilliseconds);

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var title = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var effect = new Effect(() => { if (dbB.Todos.Get("t").Get()?.Title == title) { seen.TrySetResult(); } });
            clock.Restart();
            dbA.Mutate.Rename("t", title);
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            live.Add(clock.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine(entities > 0
            ? $"Live convergence A -> B on loopback, {rounds} rounds, {entities:N0} entities in both clients (FilePersistence) and the server:"
            : $"Live convergence A -> B on loopback, {rounds} rounds:");
        Console.WriteLine("| measure | p50 (ms) | p99 (ms) |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| bare HTTP round trip (/snapshot), baseline | {Percentile(bare, 50):F2} | {Percentile(bare, 99):F2} |");
        Console.WriteLine($"| A mutates → B's effect sees it | {Percentile(live, 50):F2} | {Percentile(live, 99):F2} |");
        Console.WriteLine($"| ratio | {Percentile(live, 50) / Percentile(bare, 50):F1} | {Percentile(live, 99) / Percentile(bare, 99):F1} |");
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(percentile / 100 * sorted.Count) - 1)];
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The clients did not converge in time; the measurement would be meaningless.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Puts <paramref name="entities"/> todos in the server's storage, 1,000 per stored write.</summary>
    private static async Task SeedAsync(InMemorySyncStorage storage, int entities)
    {
        for (var first = 0; first < entities; first += 1_000)
        {
            var writes = Enumerable.Range(first, Math.Min(1_000, entities - first))
                .Select(i => new EntityWrite("todo", $"seed{i}", JournalData.Todo(i, 0)))
                .ToList();
            await storage.ApplyOnceAsync(Scopes.Default, $"seed-{first}", _ => MutationOutcome.Applied(writes), DateTimeOffset.UtcNow);
        }
    }
}
