namespace ViewSync.Benchmarks.Shapes;

/// <summary>
/// mux: 100 signals <c>h_i</c>; <c>m</c> builds a fresh map <c>{i: h_i}</c> (a <see cref="Dictionary{TKey, TValue}"/>,
/// or an <c>int[100]</c> in the array variant); <c>k_i = m[i]</c>; <c>s_i = k_i+1</c>; one effect per <c>s_i</c>.
/// </summary>
public sealed class MuxShape : IShape
{
    public const int Width = 100;
    private readonly Signal<int>[] _h = new Signal<int>[Width];
    private readonly Effect[] _effects = new Effect[Width];
    private readonly int[] _sinks = new int[Width];

    public MuxShape(bool useArray = false)
    {
        for (var i = 0; i < Width; i++)
        {
            _h[i] = new Signal<int>(0);
        }

        Func<int, int> lookup;
        if (useArray)
        {
            var m = new Computed<int[]>(() =>
            {
                ComputedRuns++;
                var values = new int[Width];
                for (var i = 0; i < Width; i++)
                {
                    values[i] = _h[i].Get();
                }

                return values;
            });
            lookup = i => m.Get()[i];
        }
        else
        {
            var m = new Computed<Dictionary<int, int>>(() =>
            {
                ComputedRuns++;
                var values = new Dictionary<int, int>(Width);
                for (var i = 0; i < Width; i++)
                {
                    values[i] = _h[i].Get();
                }

                return values;
            });
            lookup = i => m.Get()[i];
        }

        for (var i = 0; i < Width; i++)
        {
            var index = i;
            var k = new Computed<int>(() => { ComputedRuns++; return lookup(index); });
            var s = new Computed<int>(() => { ComputedRuns++; return k.Get() + 1; });
            _effects[i] = new Effect(() => { _sinks[index] = s.Get(); EffectRuns++; });
        }
    }

    public int ComputedRuns { get; private set; }

    public int EffectRuns { get; private set; }

    public void Op(int v) => _h[v % Width].Set(v);

    public void Check(int v) => ShapeCheck.Equal(v + 1, _sinks[v % Width], $"s_{v % Width}");

    public void Dispose()
    {
        foreach (var effect in _effects)
        {
            effect.Dispose();
        }
    }
}

/// <summary>mux, by hand: rebuild the map, re-read every key, update the one output that changed.</summary>
public sealed class MuxBaseline(bool useArray = false)
{
    private readonly int[] _h = new int[MuxShape.Width];
    private readonly int[] _k = new int[MuxShape.Width];
    public readonly int[] Sinks = new int[MuxShape.Width];

    public void Op(int v)
    {
        _h[v % MuxShape.Width] = v;
        if (useArray)
        {
            var values = (int[])_h.Clone();
            Spread(i => values[i]);
        }
        else
        {
            var values = new Dictionary<int, int>(MuxShape.Width);
            for (var i = 0; i < _h.Length; i++)
            {
                values[i] = _h[i];
            }

            Spread(i => values[i]);
        }
    }

    private void Spread(Func<int, int> lookup)
    {
        for (var i = 0; i < _k.Length; i++)
        {
            var k = lookup(i);
            if (k != _k[i])
            {
                _k[i] = k;
                Sinks[i] = k + 1;
            }
        }
    }
}
