namespace ViewSync.Benchmarks.Shapes;

/// <summary>deep: <c>c1 = s+1</c>, <c>c_k = c_(k-1)+1</c> up to c50, one effect on c50.</summary>
public sealed class DeepShape : IShape
{
    public const int Depth = 50;
    private readonly Signal<int> _s = new(0);
    private readonly Computed<int> _last;
    private readonly Effect _effect;
    private int _sink;

    public DeepShape()
    {
        IReadOnlySignal<int> current = _s;
        for (var k = 0; k < Depth; k++)
        {
            var previous = current;
            current = new Computed<int>(() => { ComputedRuns++; return previous.Get() + 1; });
        }

        _last = (Computed<int>)current;
        _effect = new Effect(() => { _sink = _last.Get(); EffectRuns++; });
    }

    public int ComputedRuns { get; private set; }

    public int EffectRuns { get; private set; }

    public void Op(int v) => _s.Set(v);

    public void Check(int v) => ShapeCheck.Equal(v + Depth, _sink, "c50");

    public void Dispose() => _effect.Dispose();
}

/// <summary>deep, by hand: recompute the chain, call the effect body.</summary>
public sealed class DeepBaseline
{
    private readonly int[] _c = new int[DeepShape.Depth];
    public int Sink;

    public void Op(int v)
    {
        var value = v;
        for (var k = 0; k < _c.Length; k++)
        {
            _c[k] = value = value + 1;
        }

        Sink = _c[^1];
    }
}
