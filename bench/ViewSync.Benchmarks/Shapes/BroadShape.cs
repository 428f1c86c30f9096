namespace ViewSync.Benchmarks.Shapes;

/// <summary>broad: 50 branches <c>a_i = s+i</c>, <c>b_i = a_i+1</c>, an effect on each <c>b_i</c>.</summary>
public sealed class BroadShape : IShape
{
    public const int Width = 50;
    private readonly Signal<int> _s = new(0);
    private readonly Effect[] _effects = new Effect[Width];
    private readonly int[] _sinks = new int[Width];

    public BroadShape()
    {
        for (var i = 0; i < Width; i++)
        {
            var index = i;
            var a = new Computed<int>(() => { ComputedRuns++; return _s.Get() + index; });
            var b = new Computed<int>(() => { ComputedRuns++; return a.Get() + 1; });
            _effects[i] = new Effect(() => { _sinks[index] = b.Get(); EffectRuns++; });
        }
    }

    public int ComputedRuns { get; private set; }

    public int EffectRuns { get; private set; }

    public void Op(int v) => _s.Set(v);

    public void Check(int v) => ShapeCheck.Equal(v + Width, _sinks[Width - 1], "b49");

    public void Dispose()
    {
        foreach (var effect in _effects)
        {
            effect.Dispose();
        }
    }
}

/// <summary>broad, by hand.</summary>
public sealed class BroadBaseline
{
    public readonly int[] Sinks = new int[BroadShape.Width];

    public void Op(int v)
    {
        for (var i = 0; i < Sinks.Length; i++)
        {
            var a = v + i;
            Sinks[i] = a + 1;
        }
    }
}
