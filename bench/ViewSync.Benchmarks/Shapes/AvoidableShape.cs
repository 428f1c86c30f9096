namespace ViewSync.Benchmarks.Shapes;

/// <summary>
/// avoidable: <c>c1 = s</c>; <c>c2</c> reads c1 and returns 0; <c>c3</c> runs <c>busy()</c> and returns <c>c2+1</c>; <c>c4 = c3+2</c>;
/// <c>c5 = c4+3</c>; the effect reads c5 then <c>busy()</c>. Only c1 and c2 should run per op.
/// </summary>
public sealed class AvoidableShape : IShape
{
    private readonly Signal<int> _s = new(0);
    private readonly Computed<int> _c5;
    private readonly Effect _effect;
    private int _sink;

    public AvoidableShape()
    {
        var c1 = new Computed<int>(() => { ComputedRuns++; return _s.Get(); });
        var c2 = new Computed<int>(() => { ComputedRuns++; _ = c1.Get(); return 0; });
        var c3 = new Computed<int>(() => { ComputedRuns++; _ = Busy(); return c2.Get() + 1; });
        var c4 = new Computed<int>(() => { ComputedRuns++; return c3.Get() + 2; });
        _c5 = new Computed<int>(() => { ComputedRuns++; return c4.Get() + 3; });
        _effect = new Effect(() => { _sink = _c5.Get(); _ = Busy(); EffectRuns++; });
    }

    public int ComputedRuns { get; private set; }

    public int EffectRuns { get; private set; }

    public void Op(int v) => _s.Set(v);

    public void Check(int v) => ShapeCheck.Equal(6, _sink, "c5");

    public void Dispose() => _effect.Dispose();

    /// <summary>A 100-step counting loop: the work a good graph avoids.</summary>
    public static int Busy()
    {
        var count = 0;
        for (var i = 0; i < 100; i++)
        {
            count++;
        }

        return count;
    }
}

/// <summary>avoidable, by hand: c2 is 0 whatever s is, so nothing downstream runs.</summary>
public sealed class AvoidableBaseline
{
    private int _c2 = -1;
    public int Sink;

    public void Op(int v)
    {
        var c1 = v;
        _ = c1;
        const int c2 = 0;
        if (c2 != _c2)
        {
            _c2 = c2;
            _ = AvoidableShape.Busy();
            Sink = c2 + 1 + 2 + 3;
            _ = AvoidableShape.Busy();
        }
    }
}
