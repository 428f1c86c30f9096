using BenchmarkDotNet.Running;
using ViewSync.Benchmarks;
using ViewSync.Benchmarks.Journal;

if (args.Contains("--live-latency"))
{
    var entities = Array.IndexOf(args, "--entities") is var at and >= 0 ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
    await LiveLatency.RunAsync(entities: entities);
    return;
}

if (args.Contains("--push-throughput"))
{
    await PushThroughput.RunAsync();
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
