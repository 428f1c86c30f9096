using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace ViewSync.Benchmarks;

/// <summary>The micro-operations of BENCH_SHAPES.md, each against the plain C# it replaces.</summary>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class ReactiveMicroBenchmarks
{
    private const int Ops = 1_000;
    private readonly Signal<int> _read = new(1);
    private readonly Signal<int> _computedSource = new(1);
    private readonly Signal<int> _lonely = new(0);
    private readonly Signal<int> _observed = new(0);
    private Computed<int> _plusOne = null!;
    private Effect _effect = null!;
    private int _field = 1;
    private int _v;
    private int _sink;
    private Action _readIntoSink = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plusOne = new Computed<int>(() => _computedSource.Get() + 1);
        _plusOne.Get();
        _effect = new Effect(() => _sink = _observed.Get());
        _readIntoSink = () => _sink = _read.Get(); // one delegate for every op: the benchmark measures the effect, not a closure
    }

    [GlobalCleanup]
    public void Cleanup() => _effect.Dispose();

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
    public int ReadSignal_Untracked()
    {
        var total = 0;
        for (var i = 0; i < Ops; i++)
        {
            total += _read.Get();
        }

        return total;
    }

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
    public int ReadComputed_Untracked()
    {
        var total = 0;
        for (var i = 0; i < Ops; i++)
        {
            total += _plusOne.Get();
        }

        return total;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("set-unobserved")]
    public void WriteField()
    {
        for (var i = 0; i < Ops; i++)
        {
            Volatile.Write(ref _field, ++_v);
        }
    }

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("set-unobserved")]
    public void SetSignal_NoSubscribers()
    {
        for (var i = 0; i < Ops; i++)
        {
            _lonely.Set(++_v);
        }
    }

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
    public void SetSignal_OneEffect()
    {
        for (var i = 0; i < Ops; i++)
        {
            _observed.Set(++_v);
        }
    }

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
    public int CreateEffect_AndDispose()
    {
        using var effect = new Effect(_readIntoSink);
        return _sink;
    }
}
