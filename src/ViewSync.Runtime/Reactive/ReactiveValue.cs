using System.Runtime.CompilerServices;

namespace ViewSync;

/// <summary>Facts about a value type that decide whether it may be read without the graph's lock.</summary>
/// <typeparam name="T">The value type of a signal or computed.</typeparam>
internal static class ReactiveValue<T>
{
    private static readonly bool s_valueReadsAreAtomic =
        (typeof(T).IsPrimitive || typeof(T).IsEnum) && Unsafe.SizeOf<T>() <= IntPtr.Size;

    /// <summary>
    /// True when a field of type <typeparamref name="T"/> is read in one load that cannot tear: a reference,
    /// or a primitive or enum no wider than a pointer. Wider structs are read under the lock.
    /// </summary>
    /// <remarks>
    /// The reference case is decided by <c>typeof(T).IsValueType</c>, which the JIT folds to a constant even in the
    /// code shared by all reference types, where reading a static of this generic class would cost a lookup per call.
    /// </remarks>
    public static bool ReadsAreAtomic
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !typeof(T).IsValueType || s_valueReadsAreAtomic;
    }
}
