using BenchmarkDotNet.Running;
using ViewSync.Benchmarks;
using ViewSync.Benchmarks.Journal;
using ViewSync.Benchmarks.ReactBench;

if (Array.IndexOf(args, "--reactbench") is var reactbench and >= 0)
{
    // One shape per process, timed with Stopwatch like bench/reactbench/shapes.mjs (bench/reactbench/run drives both).
    Environment.ExitCode = ReactBenchRunner.RunCommandLine(args[(reactbench + 1)..], Console.Out, Console.Error);
    return;
}

if (args.Contains("--live-latency"))
{
    var entities = Array.IndexOf(args, "--entities") is var at and >= 0 ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
    await LiveLatency.RunAsync(entities: entities);
    return;
}

if (args.Contains("--hydrate-breakdown"))
{
    await HydrateBreakdown.RunAsync();
    return;
}

if (args.Contains("--push-throughput"))
{
    await PushThroughput.RunAsync();
    return;
}

if (Array.IndexOf(args, "--push-commit") is var pushCommit and >= 0)
{
    await ViewSync.Benchmarks.Server.PushCommitRounds.RunAsync(args[(pushCommit + 1)..]);
    return;
}

if (args.Contains("--live-fanout"))
{
    await ViewSync.Benchmarks.Server.LiveFanOutRounds.RunAsync();
    return;
}

if (args.Contains("--journal-latency"))
{
    await MutateLatency.RunAsync();
    return;
}

if (args.Contains("--journal-breakdown"))
{
    await PageApplyBreakdown.RunAsync();
    await RestartBreakdown.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ClientBenchmarks).Assembly).Run(args);
