namespace ViewSync.Benchmarks.Shapes;

/// <summary>
/// cellx: signals <c>p1..p4 = 1,2,3,4</c>, then layers of <c>p1' = p2</c>, <c>p2' = p1-p3</c>,
/// <c>p3' = p2+p4</c>, <c>p4' = p3</c>, each with four effects reading them. An op sets
/// <c>(4,3,2,1)</c> for odd v and <c>(1,2,3,4)</c> for even v, in one batch or as four writes.
/// </summary>
public sealed class CellxShape : IShape
{
    private readonly Signal<int>[] _inputs;
    private readonly IReadOnlySignal<int>[] _end;
    private readonly List<Effect> _effects;
    private static readonly int[] s_odd = [4, 3, 2, 1];
    private static readonly int[] s_even = [1, 2, 3, 4];
    private readonly int[] _endValues = new int[4];
    private readonly bool _batched;
    private readonly Action<int[]> _write;

    public CellxShape(int layers = 1000, bool batched = true)
    {
        _batched = batched;
        _write = Write;
        _inputs = [new Signal<int>(1), new Signal<int>(2), new Signal<int>(3), new Signal<int>(4)];
        _effects = new List<Effect>(layers * 4);
        IReadOnlySignal<int>[] current = [.. _inputs];
        for (var layer = 0; layer < layers; layer++)
        {
            var (p1, p2, p3, p4) = (current[0], current[1], current[2], current[3]);
            IReadOnlySignal<int>[] next =
            [
                new Computed<int>(() => { ComputedRuns++; return p2.Get(); }),
                new Computed<int>(() => { ComputedRuns++; return p1.Get() - p3.Get(); }),
                new Computed<int>(() => { ComputedRuns++; return p2.Get() + p4.Get(); }),
                new Computed<int>(() => { ComputedRuns++; return p3.Get(); }),
            ];
            foreach (var cell in next)
            {
                _effects.Add(new Effect(() => { cell.Get(); EffectRuns++; }));
            }

            current = next;
        }

        _end = current;
    }

    public int ComputedRuns { get; private set; }

    public int EffectRuns { get; private set; }

    /// <summary>The four end cells.</summary>
    public int[] End => [.. _end.Select(cell => cell.Get())];

    public void Op(int v)
    {
        var values = v % 2 != 0 ? s_odd : s_even;
        if (_batched)
        {
            Reactive.Batch(values, _write);
        }
        else
        {
            Write(values);
        }

        for (var i = 0; i < 4; i++)
        {
            _endValues[i] = _end[i].Get();
        }
    }

    public void Check(int v)
    {
        int[] expected = v % 2 != 0 ? [-2, -4, 2, 3] : [-3, -6, -2, 2];
        var actual = End;
        if (!expected.SequenceEqual(actual))
        {
            throw new InvalidOperationException($"cellx end: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}].");
        }
    }

    public void Dispose()
    {
        foreach (var effect in _effects)
        {
            effect.Dispose();
        }
    }

    private void Write(int[] values)
    {
        for (var i = 0; i < 4; i++)
        {
            _inputs[i].Set(values[i]);
        }
    }
}

/// <summary>cellx, by hand: recompute every layer and call the 4 effect bodies per layer.</summary>
public sealed class CellxBaseline(int layers = 1000)
{
    public int EffectRuns;
    public readonly int[] End = new int[4];

    public void Op(int v)
    {
        int[] values = v % 2 != 0 ? [4, 3, 2, 1] : [1, 2, 3, 4];
        var (p1, p2, p3, p4) = (values[0], values[1], values[2], values[3]);
        for (var layer = 0; layer < layers; layer++)
        {
            (p1, p2, p3, p4) = (p2, p1 - p3, p2 + p4, p3);
            EffectRuns += 4;
        }

        (End[0], End[1], End[2], End[3]) = (p1, p2, p3, p4);
    }
}
