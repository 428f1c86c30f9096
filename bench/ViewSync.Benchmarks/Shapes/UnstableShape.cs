namespace ViewSync.Benchmarks.Shapes;

/// <summary>unstable: <c>dbl = 2s</c>, <c>inv = -s</c>, <c>cur</c> adds <c>s odd ? dbl : inv</c> 20 times; an effect on cur. Dependencies alternate each op.</summary>
public sealed class UnstableShape : IShape
{
    public const int Loops = 20;
    private readonly Signal<int> _s = new(0);
    private readonly Computed<int> _current;
    private readonly Effect _effect;
    private int _sink;

    public UnstableShape()
    {
        var doubled = new Computed<int>(() => { ComputedRuns++; return _s.Get() * 2; });
        var inverse = new Computed<int>(() => { ComputedRuns++; return -_s.Get(); });
        _current = new Computed<int>(() =>
        {
            ComputedRuns++;
            var total = 0;
            for (var i = 0; i < Loops; i++)
            {
                total += _s.Get() % 2 != 0 ? doubled.Get() : inverse.Get();
            }

            return total;
        });
        _effect = new Effect(() => { _sink = _current.Get(); EffectRuns++; });
    }

    public int ComputedRuns { get; private set; }

    public int EffectRuns { get; private set; }

    /// <summary>The number of sources <c>cur</c> depends on now: s plus whichever of dbl and inv it read.</summary>
    public int CurrentSourceCount => _current.SourceCount;

    public void Op(int v) => _s.Set(v);

    public void Check(int v) => ShapeCheck.Equal(Loops * (v % 2 != 0 ? 2 * v : -v), _sink, "cur");

    public void Dispose() => _effect.Dispose();
}

/// <summary>unstable, by hand.</summary>
public sealed class UnstableBaseline
{
    public int Sink;

    public void Op(int v)
    {
        var doubled = v * 2;
        var inverse = -v;
        var total = 0;
        for (var i = 0; i < UnstableShape.Loops; i++)
        {
            total += v % 2 != 0 ? doubled : inverse;
        }

        Sink = total;
    }
}
