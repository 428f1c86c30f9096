using BenchmarkDotNet.Attributes;
using ViewSync.Benchmarks.Shapes;

namespace ViewSync.Benchmarks;

/// <summary>cellx with 1,000 layers (4,000 computeds, 4,000 effects): batched and unbatched updates, and building the graph.</summary>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class ReactiveCellxBenchmarks
{
    private const int Layers = 1_000;
    private int _v;
    private CellxShape _batched = null!;
    private CellxShape _unbatched = null!;
    private readonly CellxBaseline _baseline = new(Layers);

    [GlobalSetup]
    public void Setup()
    {
        _batched = new CellxShape(Layers, batched: true);
        _unbatched = new CellxShape(Layers, batched: false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _batched.Dispose();
        _unbatched.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("cellx1000")]
    public void Cellx_Handwritten() => _baseline.Op(++_v);

    [Benchmark, BenchmarkCategory("cellx1000")]
    public void Cellx_ViewSync_Batched() => _batched.Op(++_v);

    [Benchmark, BenchmarkCategory("cellx1000")]
    public void Cellx_ViewSync_Unbatched() => _unbatched.Op(++_v);

    [Benchmark(Baseline = true), BenchmarkCategory("cellx1000-build")]
    public int CellxBuild_Handwritten()
    {
        var baseline = new CellxBaseline(Layers);
        baseline.Op(2);
        return baseline.End[0];
    }

    [Benchmark, BenchmarkCategory("cellx1000-build")]
    public int CellxBuild_ViewSync()
    {
        using var shape = new CellxShape(Layers);
        return shape.End[0];
    }
}
