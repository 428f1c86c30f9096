using BenchmarkDotNet.Running;
using ViewSync.Benchmarks;

if (args.Contains("--live-latency"))
{
    await LiveLatency.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ClientBenchmarks).Assembly).Run(args);
