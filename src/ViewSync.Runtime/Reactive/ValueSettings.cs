using System.Runtime.CompilerServices;

namespace ViewSync;

/// <summary>
/// A signal's or computed's comparer and name, in one object that exists only when one of them is given: most
/// nodes have neither, and every field a node does not carry is memory saved on each row of a large store.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
internal sealed class ValueSettings<T>
{
    public ValueSettings(IEqualityComparer<T>? comparer, string? name)
    {
        Comparer = comparer;
        Name = name;
    }

    /// <summary>Decides whether a new value is a change; null for <see cref="EqualityComparer{T}.Default"/>.</summary>
    public IEqualityComparer<T>? Comparer { get; }

    /// <summary>The name for diagnostics and error messages, if any.</summary>
    public string? Name { get; }

    /// <summary>Compares two values with the comparer of <paramref name="settings"/>, or the default one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AreEqual(ValueSettings<T>? settings, T a, T b) =>
        settings?.Comparer is { } comparer ? comparer.Equals(a, b) : EqualityComparer<T>.Default.Equals(a, b);
}
