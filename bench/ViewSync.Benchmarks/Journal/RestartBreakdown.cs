using System.Diagnostics;
using TodoSample;
using ViewSync.Persistence;
using ViewSync.Store;

namespace ViewSync.Benchmarks.Journal;

/// <summary>
/// Part of <c>--journal-breakdown</c>: where a 100k-entity restart's time goes, by redoing each step of
/// <c>Replica.OpenAsync</c> on its own (read, replay, confirmed maps, the visible copy, loading the store).
/// </summary>
internal static class RestartBreakdown
{
    public static async Task RunAsync()
    {
        var benchmark = new RestartBenchmarks();
        benchmark.Setup();
        try
        {
            var directory = Path.GetDirectoryName(benchmark.JournalPath)!;
            var steps = new List<(string Step, double Ms)>();
            for (var pass = 0; pass < 3; pass++) // the last pass is reported: warm code, warm page cache
            {
                steps.Clear();
                var clock = Stopwatch.StartNew();
                double Lap()
                {
                    var ms = clock.Elapsed.TotalMilliseconds;
                    clock.Restart();
                    return ms;
                }

                var log = await File.ReadAllBytesAsync(benchmark.JournalPath);
                steps.Add(("read the file", Lap()));
                var state = JournalReplay.Replay(log, benchmark.JournalPath);
                steps.Add(("JournalReplay.Replay (frames, CRC, decode rows into dictionaries)", Lap()));
                var confirmed = new ConfirmedState();
                confirmed.Load(new ConfirmedImage(state.Confirmed));
                steps.Add(("the confirmed state takes the replayed maps as its base", Lap()));
                new LocalStore().Replace(confirmed.Entries());
                steps.Add(("RebaseAll: LocalStore.Replace (one slot per row, values shared)", Lap()));
                var sum = steps.Sum(s => s.Ms);
                await using (var replica = new Replica(TodoDb.Mutators))
                {
                    await replica.OpenAsync(new FilePersistence(directory));
                    steps.Add(("whole OpenAsync (for comparison with the sum above)", Lap()));
                }

                steps.Add(("sum of the steps", sum));
            }

            Console.WriteLine();
            Console.WriteLine($"Restart of {RestartBenchmarks.Rows:N0} rows, step by step (third pass; ms, and rows/s if that step were all):");
            Console.WriteLine("| step | ms | rows/s |");
            Console.WriteLine("|---|---:|---:|");
            foreach (var (step, ms) in steps)
            {
                Console.WriteLine($"| {step} | {ms:F1} | {RestartBenchmarks.Rows / (ms / 1000):N0} |");
            }
        }
        finally
        {
            benchmark.Cleanup();
        }
    }
}
