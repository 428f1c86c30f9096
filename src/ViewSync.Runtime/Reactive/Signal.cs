using System.Runtime.CompilerServices;

namespace ViewSync;

/// <summary>A reactive value that is set from outside the graph.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <remarks>
/// Reading with <see cref="Get"/> inside a <see cref="Computed{T}"/> or an <see cref="Effect"/>
/// subscribes it; <see cref="Set"/> with a value that differs (by the signal's comparer) re-runs
/// the effects that depend on it before returning. Thread-safe; see <see cref="Reactive"/> for the
/// threading model.
/// </remarks>
public sealed class Signal<T> : ReactiveNode, IReadOnlySignal<T>
{
    private readonly ValueSettings<T>? _settings;
    private T _value;

    /// <summary>Creates a signal.</summary>
    /// <param name="initialValue">The starting value.</param>
    /// <param name="comparer">Decides whether a new value is a change. Defaults to <see cref="EqualityComparer{T}.Default"/>.</param>
    /// <param name="name">A name for diagnostics and error messages.</param>
    public Signal(T initialValue, IEqualityComparer<T>? comparer = null, string? name = null)
    {
        _value = initialValue;
        if (comparer is not null || name is not null)
        {
            // Only when given: a null store would still pay a GC write barrier.
            _settings = new ValueSettings<T>(comparer, name);
        }
    }

    internal override string DisplayName => _settings?.Name is { } name ? $"signal '{name}'" : $"Signal<{typeof(T).Name}>";

    /// <inheritdoc />
    public T Get()
    {
        var observer = ReactiveRuntime.Observer;
        if (ReactiveValue<T>.ReadsAreAtomic)
        {
            if (observer is null)
            {
                // No computed or effect is running on any thread, so none on this one: an untracked read, one load.
                return _value;
            }

            if (observer.SourcesTail is { } tail && tail.Source == this)
            {
                // The running observer read this signal just before: nothing to record. (On a thread that is not the
                // observer's, this is an untracked read, which is what that thread needs too: nothing is written.)
                return _value;
            }
        }

        if (observer is not null && ReactiveRuntime.Gate.IsHeldByCurrentThread)
        {
            // Inside the graph on this thread (an effect, a computed or a batch): the lock is ours already.
            var link = ReactiveRuntime.Track(this);
            if (link is not null)
            {
                link.Version = Version;
            }

            return _value;
        }

        // No observer runs on this thread (it is outside the graph, or inside without one): the read is untracked.
        return Peek();
    }

    /// <inheritdoc />
    public T Peek()
    {
        if (ReactiveValue<T>.ReadsAreAtomic)
        {
            // One load that cannot tear: it sees the value before or after a concurrent Set, as the lock would.
            return _value;
        }

        using var scope = ReactiveRuntime.Gate.EnterScope();
        return _value;
    }

    /// <summary>
    /// Sets the value. When it differs from the current one, dependent computeds are marked and
    /// dependent effects run before this returns (or when the enclosing batch ends).
    /// </summary>
    /// <param name="value">The new value.</param>
    /// <exception cref="InvalidOperationException">Effects kept re-triggering each other (a cycle).</exception>
    public void Set(T value)
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        SetLocked(value);
    }

    /// <summary>
    /// Replaces the value with <paramref name="update"/> applied to the current one, atomically with
    /// respect to other threads' writes.
    /// </summary>
    /// <param name="update">Computes the new value from the current one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is null.</exception>
    public void Update(Func<T, T> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        SetLocked(update(_value));
    }

    /// <summary>Returns the current value as text, without tracking.</summary>
    /// <returns>The value's text.</returns>
    public override string ToString() => Peek()?.ToString() ?? string.Empty;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetLocked(T value)
    {
        if (ValueSettings<T>.AreEqual(_settings, _value, value))
        {
            return;
        }

        _value = value;
        Version++;
        ReactiveRuntime.GlobalVersion++;
        if (Targets is not null)
        {
            // Only a write that re-runs something can be part of an endless loop of effects.
            ReactiveRuntime.ThrowIfEndlessLoop(this);
            NotifyTargets();
        }

        // Without targets nobody is notified: computeds that read it unsubscribed see the new global version.
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NotifyTargets()
    {
        ReactiveRuntime.StartBatch();
        try
        {
            for (var link = Targets; link is not null; link = link.NextTarget)
            {
                link.Target.Notify();
            }
        }
        finally
        {
            ReactiveRuntime.EndBatch();
        }
    }
}
