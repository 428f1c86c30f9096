namespace ViewSync.Benchmarks.Shapes;

/// <summary>One graph shape of BENCH_SHAPES.md: an op, the check that must hold after it, and run counters.</summary>
public interface IShape : IDisposable
{
    /// <summary>Computed runs so far.</summary>
    int ComputedRuns { get; }

    /// <summary>Effect runs so far (the first runs at creation included).</summary>
    int EffectRuns { get; }

    /// <summary>One op with the new value <paramref name="v"/>.</summary>
    void Op(int v);

    /// <summary>Throws <see cref="InvalidOperationException"/> when the shape's check fails after op <paramref name="v"/>.</summary>
    void Check(int v);
}

internal static class ShapeCheck
{
    public static void Equal(long expected, long actual, string what)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"{what}: expected {expected}, got {actual}.");
        }
    }
}
