namespace ViewSync.Benchmarks.Shapes;

/// <summary>triangle: <c>n0 = s</c>, <c>n_k = n_(k-1)+1</c> for k = 1..9 (and an unread n10), <c>sum = n0+…+n9</c>, an effect on sum.</summary>
public sealed class TriangleShape : IShape
{
    public const int Width = 10;
    private readonly Signal<int> _s = new(0);
    private readonly Effect _effect;
    private int _sink;

    public TriangleShape()
    {
        var nodes = new IReadOnlySignal<int>[Width + 1];
        nodes[0] = _s;
        for (var k = 1; k <= Width; k++)
        {
            var previous = nodes[k - 1];
            nodes[k] = new Computed<int>(() => { ComputedRuns++; return previous.Get() + 1; });
        }

        var sum = new Computed<int>(() =>
        {
            ComputedRuns++;
            var total = 0;
            for (var k = 0; k < Width; k++)
            {
                total += nodes[k].Get();
            }

            return total;
        });
        _effect = new Effect(() => { _sink = sum.Get(); EffectRuns++; });
    }

    public int ComputedRuns { get; private set; }

    public int EffectRuns { get; private set; }

    public void Op(int v) => _s.Set(v);

    public void Check(int v) => ShapeCheck.Equal((10 * v) + 45, _sink, "sum");

    public void Dispose() => _effect.Dispose();
}

/// <summary>triangle, by hand.</summary>
public sealed class TriangleBaseline
{
    private readonly int[] _n = new int[TriangleShape.Width];
    public int Sink;

    public void Op(int v)
    {
        _n[0] = v;
        var total = v;
        for (var k = 1; k < _n.Length; k++)
        {
            _n[k] = _n[k - 1] + 1;
            total += _n[k];
        }

        Sink = total;
    }
}
