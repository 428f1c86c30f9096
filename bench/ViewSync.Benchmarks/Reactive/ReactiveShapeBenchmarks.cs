using BenchmarkDotNet.Attributes;
using ViewSync.Benchmarks.Shapes;

namespace ViewSync.Benchmarks;

/// <summary>The graph shapes of BENCH_SHAPES.md, 1,000 ops per invocation; each ViewSync row is compared with a hand-written baseline of the same shape.</summary>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class ReactiveShapeBenchmarks
{
    private const int Ops = 1_000;
    private int _v;
    private DeepShape _deep = null!;
    private BroadShape _broad = null!;
    private DiamondShape _diamond = null!;
    private TriangleShape _triangle = null!;
    private MuxShape _mux = null!;
    private MuxShape _muxArray = null!;
    private RepeatedObserversShape _repeated = null!;
    private UnstableShape _unstable = null!;
    private AvoidableShape _avoidable = null!;
    private readonly DeepBaseline _deepBaseline = new();
    private readonly BroadBaseline _broadBaseline = new();
    private readonly DiamondBaseline _diamondBaseline = new();
    private readonly TriangleBaseline _triangleBaseline = new();
    private readonly MuxBaseline _muxBaseline = new();
    private readonly MuxBaseline _muxArrayBaseline = new(useArray: true);
    private readonly RepeatedObserversBaseline _repeatedBaseline = new();
    private readonly UnstableBaseline _unstableBaseline = new();
    private readonly AvoidableBaseline _avoidableBaseline = new();

    [GlobalSetup]
    public void Setup()
    {
        _deep = new DeepShape();
        _broad = new BroadShape();
        _diamond = new DiamondShape();
        _triangle = new TriangleShape();
        _mux = new MuxShape();
        _muxArray = new MuxShape(useArray: true);
        _repeated = new RepeatedObserversShape();
        _unstable = new UnstableShape();
        _avoidable = new AvoidableShape();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var shape in new IShape[] { _deep, _broad, _diamond, _triangle, _mux, _muxArray, _repeated, _unstable, _avoidable })
        {
            shape.Dispose();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("deep")]
    public void Deep_Handwritten() => Run(_deepBaseline.Op);

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("deep")]
    public void Deep_ViewSync() => Run(_deep.Op);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("broad")]
    public void Broad_Handwritten() => Run(_broadBaseline.Op);

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("broad")]
    public void Broad_ViewSync() => Run(_broad.Op);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("diamond")]
    public void Diamond_Handwritten() => Run(_diamondBaseline.Op);

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("diamond")]
    public void Diamond_ViewSync() => Run(_diamond.Op);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("triangle")]
    public void Triangle_Handwritten() => Run(_triangleBaseline.Op);

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("triangle")]
    public void Triangle_ViewSync() => Run(_triangle.Op);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("mux")]
    public void Mux_Handwritten() => Run(_muxBaseline.Op);

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("mux")]
    public void Mux_ViewSync() => Run(_mux.Op);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("mux-array")]
    public void MuxArray_Handwritten() => Run(_muxArrayBaseline.Op);

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("mux-array")]
    public void MuxArray_ViewSync() => Run(_muxArray.Op);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("repeated")]
    public void Repeated_Handwritten() => Run(_repeatedBaseline.Op);

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("repeated")]
    public void Repeated_ViewSync() => Run(_repeated.Op);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("unstable")]
    public void Unstable_Handwritten() => Run(_unstableBaseline.Op);

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("unstable")]
    public void Unstable_ViewSync() => Run(_unstable.Op);

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("avoidable")]
    public void Avoidable_Handwritten() => Run(_avoidableBaseline.Op);

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("avoidable")]
    public void Avoidable_ViewSync() => Run(_avoidable.Op);

    private void Run(Action<int> op)
    {
        for (var i = 0; i < Ops; i++)
        {
            op(++_v);
        }
    }
}
