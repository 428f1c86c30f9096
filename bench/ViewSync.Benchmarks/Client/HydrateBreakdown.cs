using System.Diagnostics;

namespace ViewSync.Benchmarks;

/// <summary>
/// Not BenchmarkDotNet: where a 100,000-entity hydrate's time goes, stage by stage, medians of several rounds
/// against the same loopback server as <see cref="HydrateBenchmarks"/>.
/// <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --hydrate-breakdown</c>
/// </summary>
internal static class HydrateBreakdown
{
    public static async Task RunAsync(int rounds = 7)
    {
        var bench = new HydrateBenchmarks();
        bench.Setup();
        try
        {
            var stages = new (string Name, Func<Task> Run)[]
            {
                ("bare HTTP read of the snapshot body", () => bench.Snapshot_BareHttpRead()),
                ("transport: stream + parse, counting sink", () => bench.Snapshot_TransportParseOnly()),
                ("transport into a replica's snapshot load, completed", () => bench.Snapshot_IntoReplica()),
                ("new SyncClient, first SyncAsync (in memory)", () => bench.Hydrate_InMemory()),
            };
            foreach (var (_, run) in stages)
            {
                await run(); // warm-up
            }

            Console.WriteLine($"Hydrate of 100,000 todos over loopback, median of {rounds} rounds (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}):");
            Console.WriteLine("| stage | ms | rows/s | MB allocated |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (name, run) in stages)
            {
                var times = new List<double>();
                var bytes = new List<long>();
                for (var i = 0; i < rounds; i++)
                {
                    GC.Collect();
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var clock = Stopwatch.StartNew();
                    await run();
                    times.Add(clock.Elapsed.TotalMilliseconds);
                    bytes.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
                }

                var ms = times.Order().ElementAt(rounds / 2);
                Console.WriteLine($"| {name} | {ms:F0} | {100_000 / (ms / 1000):N0} | {bytes.Order().ElementAt(rounds / 2) / 1e6:F1} |");
            }
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
