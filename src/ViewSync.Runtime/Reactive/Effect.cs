using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace ViewSync;

/// <summary>
/// Runs a function now and again whenever a signal or computed it read changes, until disposed.
/// </summary>
/// <remarks>
/// <para>What the function reads is tracked on every run, so branches it stops taking stop
/// triggering it. Writes inside the function are batched: effects they trigger run after it
/// returns.</para>
/// <para><b>Cleanups and ownership.</b> Cleanups registered with <see cref="Reactive.OnCleanup"/>
/// (or returned from the function) run before the next run and on <see cref="Dispose"/>. Effects
/// created while this one runs belong to it: they are disposed before its next run and when it is
/// disposed.</para>
/// <para><b>Dispatching.</b> With a <see cref="SynchronizationContext"/>, the effect runs only on
/// that context: a change made on another thread posts the run there (once, however many changes
/// arrive before it runs), and a change made on the context's own thread runs it before the write
/// returns. Pass the UI thread's context (<c>SynchronizationContext.Current</c> on the UI thread):
/// the thread is recognised even when the UI framework installs a new context instance per operation,
/// as WPF does. Without a context, the effect runs on the thread that made the change.</para>
/// <para><b>Errors.</b> An exception thrown by the function or a cleanup goes to the effect's
/// <c>onError</c> handler; without one, to <see cref="Reactive.EffectFailed"/>; without either, it is
/// unhandled (see <see cref="Reactive"/>). It is never thrown from the write that happened to run the
/// effect: that write is done. The effect stays active and runs again when what it read changes.</para>
/// <para>Keep a reference or a <c>using</c>: an effect lives as long as the signals it reads.</para>
/// </remarks>
public sealed class Effect : ObserverNode, IDisposable
{
    private static readonly SendOrPostCallback s_runPosted = state => ((Effect)state!).RunPosted();

    /// <summary>The context, name and error handler, when any is given (most effects have none: one field, not three).</summary>
    private readonly Settings? _settings;

    /// <summary>The function: an <see cref="Action"/>, or a <c>Func&lt;Action?&gt;</c> when <see cref="NodeFlags.ReturnsCleanup"/> is set.</summary>
    private Delegate? _body;
    private Action? _cleanup;

    // Ownership tree: children are disposed before each re-run and on dispose.
    private Effect? _parent;
    private Effect? _firstChild;
    private Effect? _prevSibling;
    private Effect? _nextSibling;


    /// <summary>Creates an effect and runs it immediately.</summary>
    /// <param name="run">The code to run; what it reads is tracked.</param>
    /// <param name="context">When set, every run happens on this context (see the remarks).</param>
    /// <param name="name">A name for diagnostics.</param>
    /// <param name="onError">Receives what the function or a cleanup throws, on the thread that ran it (see the remarks).</param>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is null.</exception>
    public Effect(Action run, SynchronizationContext? context = null, string? name = null, Action<Exception>? onError = null)
        : this(context, name, onError)
    {
        ArgumentNullException.ThrowIfNull(run);
        _body = run;
        Start();
    }

    /// <summary>Creates an effect whose function returns a cleanup, and runs it immediately.</summary>
    /// <param name="run">The code to run; what it reads is tracked. The cleanup it returns (if any) runs before the next run and on dispose.</param>
    /// <param name="context">When set, every run happens on this context (see the remarks).</param>
    /// <param name="name">A name for diagnostics.</param>
    /// <param name="onError">Receives what the function or a cleanup throws, on the thread that ran it (see the remarks).</param>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is null.</exception>
    public Effect(Func<Action?> run, SynchronizationContext? context = null, string? name = null, Action<Exception>? onError = null)
        : this(context, name, onError)
    {
        ArgumentNullException.ThrowIfNull(run);
        _body = run;
        Flags |= NodeFlags.ReturnsCleanup;
        Start();
    }

    private Effect(SynchronizationContext? context, string? name, Action<Exception>? onError)
    {
        // Fields start null: storing only what is set spares the GC write barriers when creating many effects.
        if (context is not null || name is not null || onError is not null)
        {
            _settings = new Settings(context, name, onError);
        }

        Flags = NodeFlags.Tracking;
    }

    /// <summary>Whether <see cref="Dispose"/> was called (directly or through the owning effect).</summary>
    public bool IsDisposed
    {
        get
        {
            using var scope = ReactiveRuntime.Gate.EnterScope();
            return (Flags & NodeFlags.Disposed) != 0;
        }
    }

    internal override string DisplayName => _settings?.Name is { } name ? $"effect '{name}'" : "Effect";

    /// <summary>The effect whose run created this one (and disposes it before its next run).</summary>
    internal Effect? OwnerEffect => _parent;

    /// <summary>Stops the effect: it unsubscribes from everything it read, runs its cleanups and disposes the effects it owns.</summary>
    public void Dispose()
    {
        ExceptionDispatchInfo? error;
        using (ReactiveRuntime.Gate.EnterScope())
        {
            if ((Flags & NodeFlags.Disposed) != 0)
            {
                return;
            }

            Flags |= NodeFlags.Disposed;
            if ((Flags & NodeFlags.Running) != 0)
            {
                // Disposed from inside its own run: finished when the run ends.
                return;
            }

            error = Teardown();
            if (error is not null && TryHandleError(error.SourceException))
            {
                error = null;
            }
        }

        error?.Throw();
    }

    internal void AddCleanup(Action cleanup) => _cleanup += cleanup;

    internal override void Notify()
    {
        if ((Flags & NodeFlags.Notified) == 0)
        {
            Flags |= NodeFlags.Notified;
            ReactiveRuntime.Enqueue(this);
        }
    }

    /// <summary>Called by the flush for a notified effect whose sources changed.</summary>
    internal ExceptionDispatchInfo? RunFromFlush()
    {
        if (_settings?.Context is { } context && !ContextAffinity.IsCurrent(context))
        {
            Post(context);
            return null;
        }

        return Run();
    }

    private void Start()
    {
        ExceptionDispatchInfo? error;
        using (ReactiveRuntime.Gate.EnterScope())
        {
            if (ReactiveRuntime.Owner is { } owner)
            {
                owner.Adopt(this);
            }

            if (_settings?.Context is { } context && !ContextAffinity.IsCurrent(context))
            {
                Post(context);
                return;
            }

            // The first run belongs to the caller: without a handler, its exception is thrown from the constructor.
            error = Run();
            if (error is not null && TryHandleError(error.SourceException))
            {
                error = null;
            }

            if (error is not null)
            {
                // The caller never gets this effect, so it must not stay subscribed.
                Dispose();
            }
        }

        error?.Throw();
    }

    private ExceptionDispatchInfo? Run()
    {
        if ((Flags & NodeFlags.Running) != 0)
        {
            throw new InvalidOperationException($"Cycle detected: {DisplayName} triggered itself while running.");
        }

        Flags |= NodeFlags.Running | NodeFlags.HasRun;

        // The batch starts before the cleanups: what they write is seen after this run, not in the middle of it.
        ReactiveRuntime.StartBatch();
        var error = _firstChild is null && _cleanup is null ? null : RunCleanups();
        ReactiveRuntime.PrepareSources(this);
        var observer = ReactiveRuntime.Observer;
        var owner = ReactiveRuntime.Owner;
        ReactiveRuntime.Observer = this;
        ReactiveRuntime.Owner = this;
        try
        {
            if ((Flags & NodeFlags.Disposed) == 0)
            {
                if ((Flags & NodeFlags.ReturnsCleanup) == 0)
                {
                    Unsafe.As<Action>(_body!)();
                }
                else if (Unsafe.As<Func<Action?>>(_body!)() is { } cleanup)
                {
                    AddCleanup(cleanup);
                }
            }
        }
        catch (Exception e)
        {
            error ??= ExceptionDispatchInfo.Capture(e);
        }

        // Not a finally: the catch above takes every exception, and straight-line code spares the call into a finally block.
        ReactiveRuntime.RestoreObserver(observer);
        ReactiveRuntime.RestoreOwner(owner);
        ReactiveRuntime.CleanupSources(this);
        Flags &= ~NodeFlags.Running;
        if ((Flags & NodeFlags.Disposed) != 0)
        {
            error ??= Teardown();
        }

        ReactiveRuntime.EndBatch();

        return error;
    }

    private void Post(SynchronizationContext context)
    {
        if ((Flags & NodeFlags.Scheduled) == 0)
        {
            Flags |= NodeFlags.Scheduled;
            try
            {
                context.Post(s_runPosted, this);
            }
            catch
            {
                // Not posted (a closed window's context): the next change tries again.
                Flags &= ~NodeFlags.Scheduled;
                throw;
            }
        }
    }

    private void RunPosted()
    {
        ContextAffinity.Learn(_settings!.Context!);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        Flags &= ~NodeFlags.Scheduled;
        try
        {
            if ((Flags & NodeFlags.Disposed) == 0 && ((Flags & NodeFlags.HasRun) == 0 || ReactiveRuntime.NeedsToRecompute(this)) && Run() is { } error)
            {
                ReportError(error.SourceException);
            }
        }
        catch (Exception e)
        {
            ReportError(e);
        }
    }

    /// <summary>
    /// Reports an exception of this effect: to its handler, else to <see cref="Reactive.EffectFailed"/>,
    /// else as an unhandled exception (see <see cref="RaiseUnhandled"/>). Never throws.
    /// </summary>
    internal void ReportError(Exception exception)
    {
        if (!TryHandleError(exception))
        {
            RaiseUnhandled(exception);
        }
    }

    /// <summary>Passes the exception to a handler; false when there is none. A handler that throws is itself unhandled.</summary>
    private bool TryHandleError(Exception exception)
    {
        try
        {
            if (_settings?.OnError is { } onError)
            {
                onError(exception);
                return true;
            }

            return Reactive.RaiseEffectFailed(this, exception);
        }
        catch (Exception handlerError)
        {
            RaiseUnhandled(handlerError);
            return true;
        }
    }

    /// <summary>
    /// Throws <paramref name="exception"/> where nobody is in the middle of a write: on the effect's
    /// context when it has one (the UI framework's unhandled-exception event sees it, as for its own
    /// callbacks), otherwise on a thread-pool thread (which ends the process, as an exception escaping
    /// a timer callback does).
    /// </summary>
    private void RaiseUnhandled(Exception exception)
    {
        var error = ExceptionDispatchInfo.Capture(exception);
        if (_settings?.Context is { } context)
        {
            try
            {
                context.Post(static state => ((ExceptionDispatchInfo)state!).Throw(), error);
                return;
            }
            catch (Exception)
            {
                // The context is closed: the thread pool is the last place left.
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Throw(), error, preferLocal: false);
    }

    private void Adopt(Effect child)
    {
        child._parent = this;
        child._nextSibling = _firstChild;
        if (_firstChild is not null)
        {
            _firstChild._prevSibling = child;
        }

        _firstChild = child;
    }

    private void Orphan()
    {
        if (_parent is null)
        {
            return;
        }

        if (_prevSibling is not null)
        {
            _prevSibling._nextSibling = _nextSibling;
        }
        else
        {
            _parent._firstChild = _nextSibling;
        }

        if (_nextSibling is not null)
        {
            _nextSibling._prevSibling = _prevSibling;
        }

        _parent = _prevSibling = _nextSibling = null;
    }

    /// <summary>Disposes owned effects, then runs this effect's cleanups. Returns the first exception.</summary>
    private ExceptionDispatchInfo? RunCleanups()
    {
        ExceptionDispatchInfo? error = null;
        while (_firstChild is { } child)
        {
            child.Flags |= NodeFlags.Disposed;
            var childError = (child.Flags & NodeFlags.Running) != 0 ? null : child.Teardown();
            child.Orphan();
            error ??= childError;
        }

        var cleanup = _cleanup;
        _cleanup = null;
        if (cleanup is null)
        {
            return error;
        }

        // Run each cleanup even when an earlier one throws.
        foreach (var single in cleanup.HasSingleTarget ? [cleanup] : cleanup.GetInvocationList())
        {
            try
            {
                ((Action)single)();
            }
            catch (Exception e)
            {
                error ??= ExceptionDispatchInfo.Capture(e);
            }
        }

        return error;
    }

    /// <summary>Final disposal: unsubscribe, run cleanups, leave the owner.</summary>
    private ExceptionDispatchInfo? Teardown()
    {
        ReactiveRuntime.UnsubscribeAll(this);
        _body = null;
        var error = _firstChild is null && _cleanup is null ? null : RunCleanups();
        Orphan();
        return error;
    }

    /// <summary>What an effect is given besides its function, kept apart because most effects are given none of it.</summary>
    private sealed class Settings(SynchronizationContext? context, string? name, Action<Exception>? onError)
    {
        public readonly SynchronizationContext? Context = context;
        public readonly string? Name = name;
        public readonly Action<Exception>? OnError = onError;
    }
}
