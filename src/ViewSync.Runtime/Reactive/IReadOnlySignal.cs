namespace ViewSync;

/// <summary>A reactive value that can be read: a <see cref="Signal{T}"/> or a <see cref="Computed{T}"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
public interface IReadOnlySignal<out T>
{
    /// <summary>Returns the current value and, inside a computed or effect, records the read as a dependency.</summary>
    /// <returns>The current value.</returns>
    T Get();

    /// <summary>Returns the current value without recording a dependency.</summary>
    /// <returns>The current value.</returns>
    T Peek();
}
