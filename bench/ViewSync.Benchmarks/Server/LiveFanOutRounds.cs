using System.Diagnostics;

namespace ViewSync.Benchmarks.Server;

/// <summary>
/// The same measurement as <see cref="LiveFanOutBenchmarks"/>, for a busy machine: both servers (0 and 10,000 idle
/// subscribers) live in one process and rounds alternate between them, so load from other work hits both alike;
/// the medians and their ratio are printed.
/// <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --live-fanout</c>
/// </summary>
internal static class LiveFanOutRounds
{
    public static async Task RunAsync(int rounds = 41)
    {
        var none = new LiveFanOutBenchmarks();
        var idle = new LiveFanOutBenchmarks();
        await none.SetupNoneAsync();
        await idle.SetupTenThousandAsync();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                await none.NoSubscribers();
                await idle.TenThousandIdleSubscribers();
            }

            var noneTimes = new List<double>();
            var idleTimes = new List<double>();
            for (var i = 0; i < rounds; i++)
            {
                // Alternate which goes first, so neither always runs right after a collection the other caused.
                if (i % 2 == 0)
                {
                    noneTimes.Add(await TimeAsync(none.NoSubscribers));
                    idleTimes.Add(await TimeAsync(idle.TenThousandIdleSubscribers));
                }
                else
                {
                    idleTimes.Add(await TimeAsync(idle.TenThousandIdleSubscribers));
                    noneTimes.Add(await TimeAsync(none.NoSubscribers));
                }
            }

            var noneRate = LiveFanOutBenchmarks.PushesPerInvoke / Median(noneTimes);
            var idleRate = LiveFanOutBenchmarks.PushesPerInvoke / Median(idleTimes);
            Console.WriteLine($"Push throughput on loopback, in-memory server, 1 mutation per push from 4 connections, median of {rounds} alternating rounds of {LiveFanOutBenchmarks.PushesPerInvoke} pushes ({Environment.ProcessorCount} cores):");
            Console.WriteLine("| live subscribers | pushes/s | vs none |");
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine($"| none | {noneRate:N0} | 1.000 |");
            Console.WriteLine($"| 10,000 idle, on other scopes | {idleRate:N0} | {idleRate / noneRate:F3} |");
        }
        finally
        {
            await none.CleanupAsync();
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
