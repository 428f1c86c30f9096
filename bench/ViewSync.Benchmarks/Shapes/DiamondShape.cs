namespace ViewSync.Benchmarks.Shapes;

/// <summary>diamond: <c>c_i = s+1</c> for i = 0..4, <c>sum = c0+…+c4</c>, an effect on sum.</summary>
public sealed class DiamondShape : IShape
{
    public const int Width = 5;
    private readonly Signal<int> _s = new(0);
    private readonly Effect _effect;
    private int _sink;

    public DiamondShape()
    {
        var branches = new Computed<int>[Width];
        for (var i = 0; i < Width; i++)
        {
            branches[i] = new Computed<int>(() => { ComputedRuns++; return _s.Get() + 1; });
        }

        var sum = new Computed<int>(() =>
        {
            ComputedRuns++;
            var total = 0;
            foreach (var branch in branches)
            {
                total += branch.Get();
            }

            return total;
        });
        _effect = new Effect(() => { _sink = sum.Get(); EffectRuns++; });
    }

    public int ComputedRuns { get; private set; }

    public int EffectRuns { get; private set; }

    public void Op(int v) => _s.Set(v);

    public void Check(int v) => ShapeCheck.Equal(Width * (v + 1), _sink, "sum");

    public void Dispose() => _effect.Dispose();
}

/// <summary>diamond, by hand.</summary>
public sealed class DiamondBaseline
{
    private readonly int[] _c = new int[DiamondShape.Width];
    public int Sink;

    public void Op(int v)
    {
        var total = 0;
        for (var i = 0; i < _c.Length; i++)
        {
            _c[i] = v + 1;
            total += _c[i];
        }

        Sink = total;
    }
}
