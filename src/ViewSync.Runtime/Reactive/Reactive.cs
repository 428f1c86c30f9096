namespace ViewSync;

/// <summary>
/// Batching, untracked reads, effect cleanups and the error hook of the reactive graph.
/// </summary>
/// <remarks>
/// <para><b>Model.</b> <see cref="Signal{T}"/> holds a value, <see cref="Computed{T}"/> derives one
/// lazily and caches it, and <see cref="Effect"/> runs code whenever what it read changes. Updates are
/// synchronous and glitch-free: when <see cref="Signal{T}.Set"/> returns (outside a batch) every
/// affected effect has run exactly once and saw a consistent graph.</para>
/// <para><b>Threading.</b> Any thread may read and write. The whole graph is guarded by one
/// re-entrant lock, held for the duration of a read, a write and the effects that the write runs,
/// so concurrent writes are serialised: none is lost, and an effect never runs on two threads at
/// once. The lock is biased towards the thread that uses it (usually the UI thread): while no other thread
/// touches the graph, that thread enters and leaves without atomic instructions; the first write from another
/// thread (a sync loop on the pool) withdraws the bias at a cost of microseconds. Effects run on the thread that completed the write, unless the effect was created with a
/// <see cref="SynchronizationContext"/>, in which case its runs happen there (inline when the write is
/// made on that context's thread, posted otherwise) (that is how UI
/// apps receive changes made by the sync loop on their UI thread). Because the lock is held while
/// effects and computeds run, their code must not block waiting for another thread that itself
/// reads or writes signals (for example <c>Dispatcher.Invoke</c>); post instead.</para>
/// <para><b>Errors.</b> An exception thrown by a computed is cached and rethrown by each read until
/// a source changes. An exception thrown by an effect (or one of its cleanups) does not stop the
/// other effects, and it is never thrown from the write (or batch) that ran the effect: that write
/// has happened (a mutation made by <c>Mutate</c> is already queued), so failing it would be a lie.
/// Instead the exception goes to the effect's own <c>onError</c> handler (a constructor argument of
/// <see cref="Effect"/>); without one, to <see cref="EffectFailed"/>, the app-wide fallback; without
/// either (or when a handler throws), it is unhandled: it is thrown on the effect's
/// <see cref="SynchronizationContext"/> when it has one, where the UI framework reports it as it does
/// for its own callbacks (<c>Application.DispatcherUnhandledException</c> in WPF), and otherwise on a
/// thread-pool thread, which ends the process like any unhandled exception. The one exception to the
/// rule is an effect's first run, which belongs to the code creating it: without a handler, its
/// exception is thrown from the <see cref="Effect"/> constructor (and the effect is disposed); so is
/// a cleanup's exception from <see cref="Effect.Dispose"/>.</para>
/// </remarks>
public static class Reactive
{
    /// <summary>
    /// Raised when an effect or one of its cleanups throws and the effect has no <c>onError</c> handler
    /// of its own. Handlers run on the thread that ran the effect, while the graph's lock is held. When
    /// no handler is attached the exception is unhandled (see the remarks of <see cref="Reactive"/>);
    /// attach one in every app, to log.
    /// </summary>
    public static event EventHandler<EffectFailedEventArgs>? EffectFailed;

    /// <summary>
    /// Runs <paramref name="action"/> as one transaction: effects triggered by its writes run once,
    /// after the outermost batch ends. Reads inside the batch already see the new values.
    /// </summary>
    /// <param name="action">The writes to group.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public static void Batch(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        ReactiveRuntime.StartBatch();
        try
        {
            action();
        }
        finally
        {
            ReactiveRuntime.EndBatch();
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> with <paramref name="state"/> as one batch (see <see cref="Batch(Action)"/>):
    /// with a static or cached delegate, nothing is allocated.
    /// </summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="state">Passed to <paramref name="action"/>.</param>
    /// <param name="action">The writes to group.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public static void Batch<TState>(TState state, Action<TState> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        ReactiveRuntime.StartBatch();
        try
        {
            action(state);
        }
        finally
        {
            ReactiveRuntime.EndBatch();
        }
    }

    /// <summary>Runs <paramref name="func"/> as one batch (see <see cref="Batch(Action)"/>) and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="func">The writes to group.</param>
    /// <returns>What <paramref name="func"/> returned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="func"/> is null.</exception>
    public static T Batch<T>(Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        ReactiveRuntime.StartBatch();
        try
        {
            return func();
        }
        finally
        {
            ReactiveRuntime.EndBatch();
        }
    }

    /// <summary>
    /// Runs <paramref name="func"/> without recording what it reads: the running computed or effect
    /// will not re-run when those values change.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="func">The reads to leave untracked.</param>
    /// <returns>What <paramref name="func"/> returned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="func"/> is null.</exception>
    public static T Untracked<T>(Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var observer = ReactiveRuntime.Observer;
        ReactiveRuntime.Observer = null;
        try
        {
            return func();
        }
        finally
        {
            ReactiveRuntime.Observer = observer;
        }
    }

    /// <summary>Runs <paramref name="action"/> without recording what it reads (see <see cref="Untracked{T}(Func{T})"/>).</summary>
    /// <param name="action">The reads to leave untracked.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public static void Untracked(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var observer = ReactiveRuntime.Observer;
        ReactiveRuntime.Observer = null;
        try
        {
            action();
        }
        finally
        {
            ReactiveRuntime.Observer = observer;
        }
    }

    /// <summary>
    /// Registers <paramref name="cleanup"/> with the effect that is running now. It runs before the
    /// effect's next run and when the effect is disposed.
    /// </summary>
    /// <param name="cleanup">The cleanup, for example one that unsubscribes from an event.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cleanup"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No effect is running on this thread.</exception>
    public static void OnCleanup(Action cleanup)
    {
        ArgumentNullException.ThrowIfNull(cleanup);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var owner = ReactiveRuntime.Owner ?? throw new InvalidOperationException(
            "Reactive.OnCleanup must be called while an effect runs, from inside the effect's function.");
        owner.AddCleanup(cleanup);
    }

    /// <summary>Passes an effect's exception to <see cref="EffectFailed"/>; false when nobody listens.</summary>
    internal static bool RaiseEffectFailed(Effect effect, Exception exception)
    {
        var handler = EffectFailed;
        if (handler is null)
        {
            return false;
        }

        handler(null, new EffectFailedEventArgs(effect, exception));
        return true;
    }
}
