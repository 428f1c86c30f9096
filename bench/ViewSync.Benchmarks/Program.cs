using BenchmarkDotNet.Running;
using ViewSync.Benchmarks;
using ViewSync.Benchmarks.Journal;

if (args.Contains("--live-latency"))
{
    await LiveLatency.RunAsync();
    return;
}

if (args.Contains("--journal-latency"))
{
    await MutateLatency.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ClientBenchmarks).Assembly).Run(args);
