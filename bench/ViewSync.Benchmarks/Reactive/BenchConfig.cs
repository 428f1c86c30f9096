using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace ViewSync.Benchmarks;

/// <summary>Short, stable runs: the whole *Reactive* suite fits in minutes on 2 cores. Ratios compare with the baseline of the same run.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        var job = Job.Default.WithWarmupCount(3).WithIterationCount(8).WithId("short");
        if (Environment.GetEnvironmentVariable("VIEWSYNC_BENCH_IN_PROCESS") == "1")
        {
            // No per-benchmark project build: on a loaded shared machine that build alone can take many minutes.
            job = job.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance);
        }

        AddJob(job);
        AddDiagnoser(MemoryDiagnoser.Default);
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
        HideColumns(BenchmarkDotNet.Columns.Column.Error, BenchmarkDotNet.Columns.Column.Median);
    }
}
