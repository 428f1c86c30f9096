namespace ViewSync;

/// <summary>Facts about a value type that decide whether it may be read without the graph's lock.</summary>
/// <typeparam name="T">The value type of a signal or computed.</typeparam>
internal static class ReactiveValue<T>
{
    /// <summary>
    /// True when a field of type <typeparamref name="T"/> is read in one load that cannot tear: a reference,
    /// or a primitive or enum no wider than a pointer. Wider structs are read under the lock.
    /// </summary>
    public static readonly bool ReadsAreAtomic =
        !typeof(T).IsValueType
        || ((typeof(T).IsPrimitive || typeof(T).IsEnum) && System.Runtime.CompilerServices.Unsafe.SizeOf<T>() <= IntPtr.Size);
}
