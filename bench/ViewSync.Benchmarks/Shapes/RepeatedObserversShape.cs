namespace ViewSync.Benchmarks.Shapes;

/// <summary>repeated observers: <c>c</c> reads <c>s</c> 30 times and sums; an effect on c.</summary>
public sealed class RepeatedObserversShape : IShape
{
    public const int Reads = 30;
    private readonly Signal<int> _s = new(0);
    private readonly Effect _effect;
    private int _sink;

    public RepeatedObserversShape()
    {
        var c = new Computed<int>(() =>
        {
            ComputedRuns++;
            var total = 0;
            for (var i = 0; i < Reads; i++)
            {
                total += _s.Get();
            }

            return total;
        });
        _effect = new Effect(() => { _sink = c.Get(); EffectRuns++; });
    }

    public int ComputedRuns { get; private set; }

    public int EffectRuns { get; private set; }

    public void Op(int v) => _s.Set(v);

    public void Check(int v) => ShapeCheck.Equal(Reads * v, _sink, "c");

    public void Dispose() => _effect.Dispose();
}

/// <summary>repeated observers, by hand.</summary>
public sealed class RepeatedObserversBaseline
{
    private int _s;
    public int Sink;

    public void Op(int v)
    {
        _s = v;
        var total = 0;
        for (var i = 0; i < RepeatedObserversShape.Reads; i++)
        {
            total += _s;
        }

        Sink = total;
    }
}
