using System.Diagnostics;
using ViewSync.Mutators;
using ViewSync.Server.PostgreSql;
using ViewSync.Server.Storage;
using ViewSync.Store;
using ViewSync.Tests.PostgreSql;

namespace ViewSync.Benchmarks.Server;

/// <summary>
/// The <see cref="PushCommitBenchmarks"/> cases outside BenchmarkDotNet, for a loaded machine: per setup and batch
/// size, rounds alternate between the per-mutation commit (baseline) and group commit, so load that comes and goes
/// hits both alike; medians of the rounds and their ratio are printed.
/// Each case first runs for <see cref="WarmUp"/> (a server's steady state is tiered-up code, not the JIT's first
/// tiers: a handful of warm-up ops left the fast case measured half on unoptimised code).
/// <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --push-commit [sqlite|postgres-1-node|postgres-3-nodes|storage ...]</c>
/// </summary>
internal static class PushCommitRounds
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    /// <summary>Runs the cases named in <paramref name="only"/> (all when empty).</summary>
    public static async Task RunAsync(IReadOnlyCollection<string> only, int rounds = 7)
    {
        Console.WriteLine($"Push commit strategies, 400 creates per round from 4 connections, median of {rounds} alternating rounds ({Environment.ProcessorCount} cores, load before: {Load()}):");
        Console.WriteLine("| setup | batch | per-mutation commit: mutations/s | group commit: mutations/s | group / per-mutation |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var setup in PushCommitBenchmarks.Setups.Where(s => only.Count == 0 || only.Contains(s)))
        {
            foreach (var batch in new[] { 1, 100 })
            {
                var bench = new PushCommitBenchmarks { Setup = setup, Batch = batch };
                await bench.SetupAsync();
                try
                {
                    await WarmAsync(bench.PerMutationCommit);
                    await WarmAsync(bench.GroupCommit);
                    var single = new List<double>();
                    var grouped = new List<double>();
                    for (var i = 0; i < rounds; i++)
                    {
                        var first = i % 2 == 0;
                        (first ? single : grouped).Add(await TimeAsync(first ? bench.PerMutationCommit : bench.GroupCommit));
                        (first ? grouped : single).Add(await TimeAsync(first ? bench.GroupCommit : bench.PerMutationCommit));
                    }

                    var (a, b) = (Median(single), Median(grouped));
                    Console.WriteLine($"| {setup} | {batch} | {a:N0} | {b:N0} | {b / a:F1}× |");
                }
                finally
                {
                    await bench.CleanupAsync();
                }
            }
        }

        // The storage alone, no HTTP or JSON: 400 creates one transaction each, against 4 batches of 100.
        Console.WriteLine("| storage alone (no HTTP), one writer | 100 | | | |");
        foreach (var postgres in new[] { false, true }.Where(p => only.Count == 0 || only.Contains("storage")))
        {
            await using var cluster = postgres ? await PostgresCluster.StartAsync(durable: true) : null;
            var directory = Path.Combine(Path.GetTempPath(), $"viewsync-bench-{Guid.NewGuid():N}");
            ISyncStorage storage = postgres
                ? await PostgreSqlSyncStorage.OpenAsync(cluster!.ConnectionString, new PostgreSqlSyncStorageOptions { ListenForChanges = false })
                : await SqliteSyncStorage.OpenAsync(Path.Combine(directory, "sync.db"), new SqliteSyncStorageOptions { Synchronous = SqliteSynchronous.Full });
            try
            {
                var round = 0;
                Func<Task> single = async () =>
                {
                    var r = round++;
                    for (var i = 0; i < 400; i++)
                    {
                        await storage.ApplyOnceAsync("s", $"{r}-{i}", Put($"{r}-{i}"), DateTimeOffset.UtcNow);
                    }
                };
                Func<Task> grouped = async () =>
                {
                    var r = round++;
                    for (var b = 0; b < 4; b++)
                    {
                        await storage.ApplyBatchAsync(Enumerable.Range(0, 100).Select(k => new PendingMutation("s", $"{r}-{b}-{k}", Put($"{r}-{b}-{k}"))).ToList(), DateTimeOffset.UtcNow);
                    }
                };
                await WarmAsync(single);
                await WarmAsync(grouped);
                var a = new List<double>();
                var g = new List<double>();
                for (var i = 0; i < rounds; i++)
                {
                    a.Add(await TimeAsync(single));
                    g.Add(await TimeAsync(grouped));
                }

                Console.WriteLine($"| {(postgres ? "postgres" : "sqlite")} storage | 100 | {Median(a):N0} | {Median(g):N0} | {Median(g) / Median(a):F1}× |");
            }
            finally
            {
                await storage.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }

        Console.WriteLine($"load after: {Load()}");
    }

    private static Func<IEntityReader, MutationOutcome> Put(string id)
    {
        var json = System.Text.Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","title":"benchmark","done":false}""");
        return _ => MutationOutcome.Applied([new EntityWrite("todo", id, json)]);
    }

    private static async Task WarmAsync(Func<Task> op)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < WarmUp)
        {
            await op();
        }
    }

    private static async Task<double> TimeAsync(Func<Task> op)
    {
        var clock = Stopwatch.StartNew();
        await op();
        return 400 / clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
