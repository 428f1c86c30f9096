using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace ViewSync.Benchmarks;

/// <summary>The micro-operations of BENCH_SHAPES.md, each against the plain C# it replaces.</summary>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class ReactiveMicroBenchmarks
{
    private const int Ops = 1_000;
    private MicroOps _ops = null!;
    private int _field = 1;
    private int _v;
    private int _sink;

    [GlobalSetup]
    public void Setup() => _ops = new MicroOps();

    [GlobalCleanup]
    public void Cleanup() => _ops.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("read-signal")]
    public int ReadField()
    {
        var total = 0;
        for (var i = 0; i < Ops; i++)
        {
            total += Volatile.Read(ref _field);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("read-signal")]
    public int ReadSignal_Untracked() => _ops.ReadSignal(Ops);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("read-computed")]
    public int ReadField_PlusOne()
    {
        var total = 0;
        for (var i = 0; i < Ops; i++)
        {
            total += Volatile.Read(ref _field) + 1;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("read-computed")]
    public int ReadComputed_Untracked() => _ops.ReadComputed(Ops);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("set-unobserved")]
    public void WriteField()
    {
        for (var i = 0; i < Ops; i++)
        {
            Volatile.Write(ref _field, ++_v);
        }
    }

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("set-unobserved")]
    public int SetSignal_NoSubscribers() => _ops.SetUnobserved(NextValues(), Ops);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("set-observed")]
    public void WriteField_AndCallback()
    {
        for (var i = 0; i < Ops; i++)
        {
            Volatile.Write(ref _field, ++_v);
            _sink = Volatile.Read(ref _field);
        }
    }

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("set-observed")]
    public void SetSignal_OneEffect() => _ops.SetObserved(NextValues(), Ops);

    [Benchmark(Baseline = true), BenchmarkCategory("create-signal")]
    public StrongBox<int> CreateBox() => new(1);

    [Benchmark, BenchmarkCategory("create-signal")]
    public Signal<int> CreateSignal() => new(1);

    [Benchmark(Baseline = true), BenchmarkCategory("create-effect")]
    public int CreateDelegate_AndCall()
    {
        var box = new StrongBox<int>(1);
        Action run = () => _sink = box.Value;
        run();
        return _sink;
    }

    [Benchmark, BenchmarkCategory("create-effect")]
    public int CreateEffect_AndDispose() => _ops.CreateEffectAndDispose();

    /// <summary>The first of the next <see cref="Ops"/> values, so every write is a real change.</summary>
    private int NextValues()
    {
        var first = _v + 1;
        _v += Ops;
        return first;
    }
}
