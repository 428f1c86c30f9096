using System.Diagnostics;

namespace ViewSync.Benchmarks.Server;

/// <summary>
/// The same measurement as <see cref="LiveFanOutBenchmarks"/>, for a busy machine: the servers (0 and 10,000 idle
/// subscribers, and a second one with 0 as a control) live in one process and rounds rotate between them, so load
/// from other work hits all alike; the medians and their ratios are printed.
/// <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --live-fanout</c>
/// </summary>
internal static class LiveFanOutRounds
{
    public static async Task RunAsync(int rounds = 41)
    {
        // A second server without subscribers is the control: how far two identical servers differ on this machine now.
        var none = new LiveFanOutBenchmarks();
        var control = new LiveFanOutBenchmarks();
        var idle = new LiveFanOutBenchmarks();
        await none.SetupNoneAsync();
        await control.SetupNoneAsync();
        await idle.SetupTenThousandAsync();
        Func<Task>[] runs = [none.NoSubscribers, control.NoSubscribers, idle.TenThousandIdleSubscribers];
        try
        {
            for (var i = 0; i < 5; i++)
            {
                foreach (var run in runs)
                {
                    await run();
                }
            }

            var times = runs.Select(_ => new List<double>()).ToArray();
            for (var i = 0; i < rounds; i++)
            {
                // Rotate which goes first, so none always runs right after a collection another caused.
                for (var j = 0; j < runs.Length; j++)
                {
                    var k = (i + j) % runs.Length;
                    times[k].Add(await TimeAsync(runs[k]));
                }
            }

            var rates = times.Select(t => LiveFanOutBenchmarks.PushesPerInvoke / Median(t)).ToArray();
            Console.WriteLine($"Push throughput on loopback, in-memory server, 1 mutation per push from 4 connections, median of {rounds} rotating rounds of {LiveFanOutBenchmarks.PushesPerInvoke} pushes ({Environment.ProcessorCount} cores):");
            Console.WriteLine("| live subscribers | pushes/s | vs none |");
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine($"| none | {rates[0]:N0} | 1.000 |");
            Console.WriteLine($"| none (control: a second identical server) | {rates[1]:N0} | {rates[1] / rates[0]:F3} |");
            Console.WriteLine($"| 10,000 idle, on other scopes | {rates[2]:N0} | {rates[2] / rates[0]:F3} |");
        }
        finally
        {
            await none.CleanupAsync();
            await control.CleanupAsync();
            await idle.CleanupAsync();
        }
    }

    private static async Task<double> TimeAsync(Func<Task> round)
    {
        var clock = Stopwatch.StartNew();
        await round();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
