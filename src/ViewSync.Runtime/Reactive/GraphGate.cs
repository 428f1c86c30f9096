namespace ViewSync;

/// <summary>
/// The reactive graph's one lock: re-entrant, and cheaper than <see cref="Lock"/> on the uncontended path
/// every write takes (one compare-exchange to enter, one plain store to leave, against two interlocked
/// operations).
/// </summary>
/// <remarks>
/// A thread that finds the gate taken spins briefly, then sleeps until the holder leaves. Leaving is a plain
/// store, so a holder can miss a sleeper that went to sleep at the same instant (the store and its read of
/// the sleeper count may be reordered); sleepers therefore also wake every millisecond to look again, which
/// bounds that rare miss to a millisecond and costs nothing on the path without contention.
/// </remarks>
internal sealed class GraphGate
{
    private const int SpinsBeforeSleeping = 20;
    private readonly object _sleep = new();
    private int _owner;     // the holder's managed thread id; 0 when free
    private int _depth;     // re-entries by the holder, beyond the first
    private int _sleepers;  // threads waiting in EnterContended's sleep phase

    /// <summary>Whether the calling thread holds the gate.</summary>
    /// <remarks>A plain read is exact here: only this thread ever writes its own id, and it reads its own writes.</remarks>
    public bool IsHeldByCurrentThread => _owner == Environment.CurrentManagedThreadId;

    /// <summary>Enters the gate (re-entrant) until the returned scope is disposed.</summary>
    public Scope EnterScope()
    {
        var me = Environment.CurrentManagedThreadId;
        if (_owner == me)
        {
            _depth++;
        }
        else if (Interlocked.CompareExchange(ref _owner, me, 0) != 0)
        {
            EnterContended(me);
        }

        return new Scope(this);
    }

    private void Exit()
    {
        if (_depth > 0)
        {
            _depth--;
            return;
        }

        // Release semantics: everything written inside the gate is visible to the next holder.
        Volatile.Write(ref _owner, 0);
        if (Volatile.Read(ref _sleepers) != 0)
        {
            lock (_sleep)
            {
                Monitor.Pulse(_sleep);
            }
        }
    }

    private void EnterContended(int me)
    {
        var spinner = default(SpinWait);
        for (var i = 0; i < SpinsBeforeSleeping; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref _owner) == 0 && Interlocked.CompareExchange(ref _owner, me, 0) == 0)
            {
                return;
            }
        }

        lock (_sleep)
        {
            _sleepers++;
            try
            {
                while (Volatile.Read(ref _owner) != 0 || Interlocked.CompareExchange(ref _owner, me, 0) != 0)
                {
                    Monitor.Wait(_sleep, millisecondsTimeout: 1);
                }
            }
            finally
            {
                _sleepers--;
            }
        }
    }

    /// <summary>Holds the gate until disposed.</summary>
    public readonly ref struct Scope
    {
        private readonly GraphGate _gate;

        internal Scope(GraphGate gate) => _gate = gate;

        /// <summary>Leaves the gate.</summary>
        public void Dispose() => _gate.Exit();
    }
}
