using ViewSync.Benchmarks.Shapes;

namespace ViewSync.Benchmarks.Tests;

/// <summary>Each shape's check after every op, and the exact work per op that BENCH_SHAPES.md lists.</summary>
public class ShapeTests
{
    private const int Ops = 20;

    [Theory]
    [InlineData("deep", 50, 1)]
    [InlineData("broad", 100, 50)]
    [InlineData("diamond", 6, 1)]
    [InlineData("triangle", 10, 1)]
    [InlineData("mux", 102, 1)]
    [InlineData("mux-array", 102, 1)]
    [InlineData("repeated", 1, 1)]
    [InlineData("unstable", 2, 1)]
    [InlineData("avoidable", 2, 0)]
    public void Each_op_passes_the_check_and_does_exactly_the_listed_work(string name, int computedsPerOp, int effectsPerOp)
    {
        using var shape = Create(name);
        shape.Op(0); // settle: the first op after creation may evaluate lazily created nodes
        for (var v = 1; v <= Ops; v++)
        {
            var (computeds, effects) = (shape.ComputedRuns, shape.EffectRuns);

            shape.Op(v);

            shape.Check(v);
            Assert.Equal(computedsPerOp, shape.ComputedRuns - computeds);
            Assert.Equal(effectsPerOp, shape.EffectRuns - effects);
        }
    }

    [Fact]
    public void Unstable_dependencies_alternate_between_doubled_and_inverse()
    {
        using var shape = new UnstableShape();
        for (var v = 1; v <= Ops; v++)
        {
            shape.Op(v);
            shape.Check(v);
            Assert.Equal(2, shape.CurrentSourceCount); // s and exactly one of dbl / inv
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cellx_1000_ends_as_the_reference_says(bool batched)
    {
        using var shape = new CellxShape(1000, batched);
        Assert.Equal([-3, -6, -2, 2], shape.End);
        Assert.Equal(4000, shape.EffectRuns);

        for (var v = 1; v <= 4; v++)
        {
            shape.Op(v);
            shape.Check(v);
        }
    }

    [Fact]
    public void A_batched_cellx_op_runs_each_effect_at_most_once()
    {
        using var shape = new CellxShape(1000, batched: true);
        var before = shape.EffectRuns;

        shape.Op(1);

        Assert.InRange(shape.EffectRuns - before, 1, 4000);
    }

    [Fact]
    public void Handwritten_baselines_compute_the_same_values()
    {
        var deep = new DeepBaseline();
        var broad = new BroadBaseline();
        var diamond = new DiamondBaseline();
        var triangle = new TriangleBaseline();
        var mux = new MuxBaseline();
        var muxArray = new MuxBaseline(useArray: true);
        var repeated = new RepeatedObserversBaseline();
        var unstable = new UnstableBaseline();
        var avoidable = new AvoidableBaseline();
        var cellx = new CellxBaseline();
        for (var v = 1; v <= Ops; v++)
        {
            deep.Op(v);
            broad.Op(v);
            diamond.Op(v);
            triangle.Op(v);
            mux.Op(v);
            muxArray.Op(v);
            repeated.Op(v);
            unstable.Op(v);
            avoidable.Op(v);
            cellx.Op(v);

            Assert.Equal(v + 50, deep.Sink);
            Assert.Equal(v + 50, broad.Sinks[^1]);
            Assert.Equal(5 * (v + 1), diamond.Sink);
            Assert.Equal((10 * v) + 45, triangle.Sink);
            Assert.Equal(v + 1, mux.Sinks[v % 100]);
            Assert.Equal(v + 1, muxArray.Sinks[v % 100]);
            Assert.Equal(30 * v, repeated.Sink);
            Assert.Equal(20 * (v % 2 != 0 ? 2 * v : -v), unstable.Sink);
            Assert.Equal(6, avoidable.Sink);
            Assert.Equal(v % 2 != 0 ? [-2, -4, 2, 3] : [-3, -6, -2, 2], cellx.End);
        }
    }

    private static IShape Create(string name) => name switch
    {
        "deep" => new DeepShape(),
        "broad" => new BroadShape(),
        "diamond" => new DiamondShape(),
        "triangle" => new TriangleShape(),
        "mux" => new MuxShape(),
        "mux-array" => new MuxShape(useArray: true),
        "repeated" => new RepeatedObserversShape(),
        "unstable" => new UnstableShape(),
        "avoidable" => new AvoidableShape(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
