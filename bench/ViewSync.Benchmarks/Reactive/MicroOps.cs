namespace ViewSync.Benchmarks;

/// <summary>
/// The micro-operations of BENCH_SHAPES.md as loops of <c>count</c> ops, shared by <see cref="ReactiveMicroBenchmarks"/>
/// (BenchmarkDotNet) and the <c>--reactbench</c> runner, so both time the same code.
/// </summary>
public sealed class MicroOps : IDisposable
{
    private readonly Signal<int> _read = new(1);
    private readonly Signal<int> _computedSource = new(1);
    private readonly Signal<int> _lonely = new(0);
    private readonly Signal<int> _observed = new(0);
    private readonly Computed<int> _plusOne;
    private readonly Effect _effect;
    private readonly Action _readIntoSink;
    private Signal<int>? _created;
    private int _sink;

    public MicroOps()
    {
        _plusOne = new Computed<int>(() => _computedSource.Get() + 1);
        _plusOne.Get();
        _effect = new Effect(() => _sink = _observed.Get());
        // One delegate for every create+dispose op: the op measures the effect, not a closure allocation.
        _readIntoSink = () =>
        {
            _sink = _read.Get();
            CreatedEffectRuns++;
        };
    }

    /// <summary>What the last effect run stored.</summary>
    public int Sink => _sink;

    /// <summary>Runs of the effects made by <see cref="CreateEffectsAndDispose"/> so far.</summary>
    public int CreatedEffectRuns { get; private set; }

    /// <summary>The signal made by the last <see cref="CreateSignals"/> op.</summary>
    public Signal<int>? LastCreated => _created;

    /// <summary>Untracked reads of a signal holding 1: returns <paramref name="count"/>.</summary>
    public int ReadSignal(int count)
    {
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            total += _read.Get();
        }

        return total;
    }

    /// <summary>Untracked reads of an evaluated computed <c>s+1</c> with s = 1: returns 2 × <paramref name="count"/>.</summary>
    public int ReadComputed(int count)
    {
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            total += _plusOne.Get();
        }

        return total;
    }

    /// <summary>Sets a signal nobody reads to <paramref name="firstV"/>, <paramref name="firstV"/>+1, …; returns its last value.</summary>
    public int SetUnobserved(int firstV, int count)
    {
        for (var v = firstV; v < firstV + count; v++)
        {
            _lonely.Set(v);
        }

        return _lonely.Peek();
    }

    /// <summary>Sets a signal one effect reads; the effect stores the value in <see cref="Sink"/>.</summary>
    public void SetObserved(int firstV, int count)
    {
        for (var v = firstV; v < firstV + count; v++)
        {
            _observed.Set(v);
        }
    }

    /// <summary>Creates signals holding <paramref name="firstV"/>, <paramref name="firstV"/>+1, …; the last is <see cref="LastCreated"/>.</summary>
    public void CreateSignals(int firstV, int count)
    {
        for (var v = firstV; v < firstV + count; v++)
        {
            _created = new Signal<int>(v);
        }
    }

    /// <summary>Creates an effect reading one signal (it runs once) and disposes it, <paramref name="count"/> times.</summary>
    public void CreateEffectsAndDispose(int count)
    {
        for (var i = 0; i < count; i++)
        {
            CreateEffectAndDispose();
        }
    }

    /// <summary>One create + dispose of an effect reading one signal.</summary>
    public int CreateEffectAndDispose()
    {
        using var effect = new Effect(_readIntoSink);
        return _sink;
    }

    public void Dispose() => _effect.Dispose();
}
