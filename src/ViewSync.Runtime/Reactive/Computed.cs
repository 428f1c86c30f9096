using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace ViewSync;

/// <summary>A value derived from other signals and computeds, computed lazily and cached.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <remarks>
/// The function runs only when the value is read and a source changed since the last run. When it
/// recomputes to a value equal to the previous one (by the comparer), observers are not re-run.
/// A computed that nobody observes holds no subscription, so it is garbage-collected like any
/// other object once unreachable. An exception thrown by the function is cached and rethrown by
/// each read until a source changes. Thread-safe; see <see cref="Reactive"/> for the model.
/// </remarks>
public sealed class Computed<T> : ObserverNode, IReadOnlySignal<T>
{
    private readonly Func<T> _compute;
    private readonly ValueSettings<T>? _settings;
    private T _value = default!;
    private ExceptionDispatchInfo? _error;

    /// <summary>The graph version at the last refresh: if nothing was written since, the value is current.</summary>
    private long _seenGlobalVersion;

    /// <summary>
    /// The graph version at which <see cref="_value"/> was last known current (and not an error), published for
    /// reads without the lock; -1 while a recompute may be changing the value.
    /// </summary>
    private long _currentAt = -1;

    /// <summary>Creates a computed.</summary>
    /// <param name="compute">Derives the value. It must not write signals.</param>
    /// <param name="comparer">Decides whether a recomputed value is a change. Defaults to <see cref="EqualityComparer{T}.Default"/>.</param>
    /// <param name="name">A name for diagnostics and error messages (cycles are reported by name).</param>
    /// <exception cref="ArgumentNullException"><paramref name="compute"/> is null.</exception>
    public Computed(Func<T> compute, IEqualityComparer<T>? comparer = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(compute);
        _compute = compute;
        if (comparer is not null || name is not null)
        {
            // Only when given: a null store would still pay a GC write barrier.
            _settings = new ValueSettings<T>(comparer, name);
        }
        Flags = NodeFlags.Outdated;
        _seenGlobalVersion = ReactiveRuntime.GlobalVersion - 1;
    }

    internal override string DisplayName => _settings?.Name is { } name ? $"computed '{name}'" : $"Computed<{typeof(T).Name}>";

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The computed read itself while computing (a cycle); the message names it.</exception>
    public T Get()
    {
        // No observer on any thread means none on this one: an untracked read.
        if (ReactiveRuntime.Observer is not null && ReactiveRuntime.Gate.IsHeldByCurrentThread)
        {
            // Inside the graph on this thread (an effect, a computed or a batch): the lock is ours already.
            ThrowIfRunning();
            var link = ReactiveRuntime.Track(this);
            if ((Flags & (NodeFlags.Outdated | NodeFlags.Tracking)) != NodeFlags.Tracking)
            {
                // Subscribed and not marked since (Refresh's first check, without the call): no source changed.
                Refresh();
            }

            if (link is not null)
            {
                link.Version = Version;
            }

            _error?.Throw();
            return _value;
        }

        // Outside the graph no observer runs on this thread, so the read is untracked.
        return Peek();
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The computed read itself while computing (a cycle).</exception>
    public T Peek()
    {
        if (ReactiveValue<T>.ReadsAreAtomic && TryReadCurrent(out var current))
        {
            return current;
        }

        using var scope = ReactiveRuntime.Gate.EnterScope();
        ThrowIfRunning();
        Refresh();
        _error?.Throw();
        if (ReactiveValue<T>.ReadsAreAtomic && (Flags & NodeFlags.Running) == 0)
        {
            // Current at this graph version: until the next write anywhere, reads need no lock.
            Volatile.Write(ref _currentAt, ReactiveRuntime.GlobalVersion);
        }

        return _value;
    }

    /// <summary>Returns the current value as text, without tracking.</summary>
    /// <returns>The value's text, or the exception's message when the computation failed.</returns>
    public override string ToString()
    {
        try
        {
            return Peek()?.ToString() ?? string.Empty;
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            return e.Message;
        }
    }

    internal override bool Refresh()
    {
        Flags &= ~NodeFlags.Notified;
        if ((Flags & NodeFlags.Running) != 0)
        {
            return false;
        }

        // Subscribed and not marked since: no source can have changed.
        if ((Flags & (NodeFlags.Outdated | NodeFlags.Tracking)) == NodeFlags.Tracking)
        {
            return true;
        }

        Flags &= ~NodeFlags.Outdated;
        if (_seenGlobalVersion == ReactiveRuntime.GlobalVersion)
        {
            return true;
        }

        _seenGlobalVersion = ReactiveRuntime.GlobalVersion;

        // Running is set before checking sources so that a source leading back here is seen as a cycle.
        Flags |= NodeFlags.Running;
        if (Version > 0 && !ReactiveRuntime.NeedsToRecompute(this))
        {
            Flags &= ~NodeFlags.Running;
            return true;
        }

        Recompute();
        return true;
    }

    /// <summary>Runs the function and records what it read; kept apart so the checks above run without its exception frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Recompute()
    {
        if (_currentAt != -1)
        {
            // Readers without the lock must stop trusting the value before it changes.
            _currentAt = -1;
            Volatile.WriteBarrier();
        }

        var observer = ReactiveRuntime.Observer;
        ReactiveRuntime.PrepareSources(this);
        ReactiveRuntime.Observer = this;
        try
        {
            var value = _compute();
            if (_error is not null || Version == 0 || !AreEqual(_value, value))
            {
                _value = value;
                _error = null;
                Version++;
            }
        }
        catch (Exception e)
        {
            _value = default!;
            _error = ExceptionDispatchInfo.Capture(e);
            Version++;
        }

        // Not a finally: the catch above takes every exception, and straight-line code spares the call into a finally block.
        ReactiveRuntime.RestoreObserver(observer);
        ReactiveRuntime.CleanupSources(this);
        Flags &= ~NodeFlags.Running;
    }

    internal override void Notify()
    {
        if ((Flags & NodeFlags.Notified) == 0)
        {
            Flags |= NodeFlags.Outdated | NodeFlags.Notified;
            for (var link = Targets; link is not null; link = link.NextTarget)
            {
                link.Target.Notify();
            }
        }
    }

    internal override void Subscribe(DependencyLink link)
    {
        // Subscribe to sources only while observed, so an unobserved computed is not referenced by them.
        if (Targets is null)
        {
            Flags |= NodeFlags.Outdated | NodeFlags.Tracking;
            for (var source = Sources; source is not null; source = source.NextSource)
            {
                source.Source.Subscribe(source);
            }
        }

        base.Subscribe(link);
    }

    internal override void Unsubscribe(DependencyLink link)
    {
        if (Targets is null)
        {
            return;
        }

        base.Unsubscribe(link);
        if (Targets is null)
        {
            Flags &= ~NodeFlags.Tracking;
            for (var source = Sources; source is not null; source = source.NextSource)
            {
                source.Source.Unsubscribe(source);
            }
        }
    }

    /// <summary>Reads the value without the lock when it was published as current at the graph's present version.</summary>
    private bool TryReadCurrent(out T value)
    {
        var at = Volatile.Read(ref _currentAt);
        if (at >= 0 && at == Volatile.Read(ref ReactiveRuntime.GlobalVersion))
        {
            value = _value;
            Volatile.ReadBarrier();
            if (Volatile.Read(ref _currentAt) == at)
            {
                return true;
            }
        }

        value = default!;
        return false;
    }

    private bool AreEqual(T a, T b) => ValueSettings<T>.AreEqual(_settings, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfRunning()
    {
        if ((Flags & NodeFlags.Running) != 0)
        {
            ThrowCycle();
        }
    }

    [DoesNotReturn]
    private void ThrowCycle() =>
        throw new InvalidOperationException(
            $"Cycle detected: {ReactiveRuntime.DescribeCycle(this)}. A computed cannot depend on its own value; " +
            "break the cycle, or read the other side with Peek() if the dependency is not needed.");
}
