using System.Runtime.CompilerServices;

namespace ViewSync;

/// <summary>
/// The reactive graph's one lock: re-entrant, and biased towards the thread that uses it: while one thread is the
/// only one entering, it enters and leaves with plain stores and no atomic operation at all.
/// </summary>
/// <remarks>
/// <para><b>Biased mode.</b> After a number of consecutive entries by one thread with no other thread entering
/// in between, that thread becomes the gate's <em>bias</em> thread, through its own <see cref="BiasSlot"/>. It enters
/// by setting the slot's <see cref="BiasSlot.Inside"/> flag (which only it writes) and then checking that the slot
/// was not revoked; it leaves by clearing the flag. That is Dekker's protocol with one side made cheap: the store and
/// the load may be reordered by the processor, so a thread that takes the bias away (any other thread that enters)
/// marks the slot revoked and then calls <see cref="Interlocked.MemoryBarrierProcessWide"/>, which forces a full
/// fence on every thread. After it, either the bias thread's flag is visible (and the revoker waits until it is
/// cleared), or the bias thread's check sees the revocation (and it takes the normal path). Revoking costs
/// microseconds, so the number of entries needed to earn the bias doubles after each revocation: when several
/// threads take turns, the gate stays in normal mode.</para>
/// <para><b>Normal mode.</b> One compare-exchange of <see cref="_owner"/> to enter, one plain store to leave. The
/// bias is only ever granted or withdrawn by the thread that holds <see cref="_owner"/>, so those changes are
/// serialised with each other; a thread that wins <see cref="_owner"/> withdraws any bias, then waits until the bias
/// thread is out.</para>
/// <para><b>Waiting.</b> A thread that finds the gate taken spins briefly, then sleeps until the holder leaves.
/// Leaving is a plain store, so a holder can miss a sleeper that went to sleep at the same instant (the store and
/// its read of the sleeper count may be reordered); sleepers therefore also wake every millisecond to look again,
/// which bounds that rare miss to a millisecond and costs nothing on the path without contention.</para>
/// </remarks>
internal sealed class GraphGate
{
    /// <summary>Consecutive entries by one thread that earn it the bias the first time.</summary>
    internal const int DefaultBiasAfter = 64;

    /// <summary>The most entries ever asked for (the threshold doubles with each revocation, up to this).</summary>
    internal const int DefaultMaxBiasAfter = 1 << 20;

    private const int SpinsBeforeSleeping = 20;

    /// <summary>This thread's managed id, cached: <see cref="Environment.CurrentManagedThreadId"/> costs several times a thread-static read.</summary>
    [ThreadStatic]
    private static int t_threadId;

    /// <summary>This thread's bias slot, reused by each grant of the gate it belongs to.</summary>
    [ThreadStatic]
    private static BiasSlot? t_slot;

    private readonly object _sleep = new();

    /// <summary>The current bias, or null. Replaced and revoked only by the holder of <see cref="_owner"/>.</summary>
    private BiasSlot? _biasSlot;

    /// <summary>The holder's managed thread id in normal mode; 0 when free.</summary>
    private int _owner;

    private int _sleepers;  // threads waiting in a sleep phase (for the gate, or for the bias thread to leave)

    // Owned by the holder of _owner: who entered last in normal mode, how many times in a row, and the threshold.
    private int _lastOwner;
    private int _streak;
    private int _biasAfter;
    private int _revocations;
    private readonly int _maxBiasAfter;

    /// <summary>Creates a gate.</summary>
    /// <param name="biasAfter">Consecutive entries by one thread that earn it the bias the first time.</param>
    /// <param name="maxBiasAfter">The most entries ever asked for; tests lower both to make hand-offs frequent.</param>
    internal GraphGate(int biasAfter = DefaultBiasAfter, int maxBiasAfter = DefaultMaxBiasAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(biasAfter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBiasAfter, biasAfter);
        _biasAfter = biasAfter;
        _maxBiasAfter = maxBiasAfter;
    }

    /// <summary>Whether the calling thread holds the gate.</summary>
    /// <remarks>
    /// Exact without synchronisation: <see cref="_owner"/> equals this thread's id only through this thread's own
    /// writes, and while it holds the gate through the bias its slot stays the current one (a revoker waits for it).
    /// </remarks>
    public bool IsHeldByCurrentThread
    {
        get
        {
            var me = CurrentThreadId;
            return _owner == me || (_biasSlot is { } slot && slot.ThreadId == me && slot.Inside != 0);
        }
    }

    private static int CurrentThreadId
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var id = t_threadId;
            return id != 0 ? id : t_threadId = Environment.CurrentManagedThreadId;
        }
    }

    /// <summary>Whether the gate is biased towards some thread now (for tests and diagnostics).</summary>
    internal bool IsBiased => Volatile.Read(ref _biasSlot) is { } slot && Volatile.Read(ref slot.Revoked) == 0;

    /// <summary>How many times a bias was withdrawn (for tests and diagnostics).</summary>
    internal int Revocations => Volatile.Read(ref _revocations);

    /// <summary>Enters the gate (re-entrant) until the returned scope is disposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope EnterScope()
    {
        var me = CurrentThreadId;
        if (_biasSlot is { } slot && slot.ThreadId == me)
        {
            if (slot.Inside != 0)
            {
                return new Scope(this, null, Scope.Reentered);
            }

            // Dekker with a process-wide fence on the other side: announce, then check the bias was not withdrawn.
            Volatile.Write(ref slot.Inside, 1);
            if (Volatile.Read(ref slot.Revoked) == 0)
            {
                return new Scope(this, slot, Scope.Biased);
            }

            // Withdrawn meanwhile (the slot is no longer anyone's, so this write disturbs no one but a revoker waiting for it).
            LeaveBiased(slot);
        }

        return EnterNormal(me);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Scope EnterNormal(int me)
    {
        if (IsHeldByCurrentThread)
        {
            return new Scope(this, null, Scope.Reentered);
        }

        if (Interlocked.CompareExchange(ref _owner, me, 0) != 0)
        {
            EnterContended(me);
        }

        // Holding _owner: no one else grants or withdraws a bias now.
        if (_biasSlot is { } slot)
        {
            if (slot.Revoked == 0)
            {
                Revoke(slot);
            }

            if (Volatile.Read(ref slot.Inside) != 0)
            {
                WaitForBiasedOwnerToLeave(slot);
            }

            _biasSlot = null;
        }

        if (_lastOwner == me)
        {
            _streak++;
        }
        else
        {
            _lastOwner = me;
            _streak = 1;
        }

        return new Scope(this, null, Scope.Normal);
    }

    private void Revoke(BiasSlot slot)
    {
        Volatile.Write(ref slot.Revoked, 1);

        // Every thread passes a full fence: the bias thread has either published its entry or will see the bias gone.
        Interlocked.MemoryBarrierProcessWide();
        _revocations++;
        _biasAfter = (int)Math.Min(_biasAfter * 2L, _maxBiasAfter);
        _lastOwner = 0;
        _streak = 0;
    }

    private void WaitForBiasedOwnerToLeave(BiasSlot slot)
    {
        var spinner = default(SpinWait);
        for (var i = 0; i < SpinsBeforeSleeping; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref slot.Inside) == 0)
            {
                return;
            }
        }

        lock (_sleep)
        {
            _sleepers++;
            try
            {
                while (Volatile.Read(ref slot.Inside) != 0)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void LeaveBiased(BiasSlot slot)
    {
        // Release semantics: everything written inside the gate is visible to the next holder.
        Volatile.Write(ref slot.Inside, 0);
        if (Volatile.Read(ref _sleepers) != 0)
        {
            WakeSleeper();
        }
    }

    private void LeaveNormal()
    {
        if (_streak >= _biasAfter)
        {
            // Granted as the hold ends, so the holder's own re-entries stay in normal mode: its next entry is biased.
            _streak = 0;
            Volatile.Write(ref _biasSlot, SlotForThisThread());
        }

        Volatile.Write(ref _owner, 0);
        if (Volatile.Read(ref _sleepers) != 0)
        {
            WakeSleeper();
        }
    }

    /// <summary>The calling thread's slot for this gate, reset for a new grant (allocated once per thread and gate).</summary>
    /// <remarks>
    /// Reuse is safe: only the thread itself grants its slot (a grant happens as its own normal hold ends, so it is not
    /// in the biased path then), and a revoker that set <see cref="BiasSlot.Revoked"/> held the gate and left before.
    /// </remarks>
    private BiasSlot SlotForThisThread()
    {
        var slot = t_slot;
        if (slot is null || slot.Gate != this)
        {
            slot = t_slot = new BiasSlot(this, CurrentThreadId);
        }

        slot.Inside = 0;
        slot.Revoked = 0;
        return slot;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WakeSleeper()
    {
        lock (_sleep)
        {
            Monitor.Pulse(_sleep);
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

    /// <summary>One grant of the bias to one thread. Only that thread writes <see cref="Inside"/>; a revocation is final.</summary>
    /// <remarks>
    /// One slot per thread means a thread acting on a stale view of an old bias only ever writes its own slot, never
    /// the flag of the thread that holds the bias now.
    /// </remarks>
    internal sealed class BiasSlot(GraphGate gate, int threadId)
    {
        public readonly GraphGate Gate = gate;

        public readonly int ThreadId = threadId;

        /// <summary>1 while the bias thread holds the gate through this slot (or is checking whether it may).</summary>
        public int Inside;

        /// <summary>1 once withdrawn; reset only when the same thread is granted the bias again.</summary>
        public int Revoked;
    }

    /// <summary>Holds the gate until disposed.</summary>
    public readonly ref struct Scope
    {
        internal const byte Reentered = 0;
        internal const byte Biased = 1;
        internal const byte Normal = 2;

        private readonly GraphGate _gate;
        private readonly BiasSlot? _slot;
        private readonly byte _mode;

        internal Scope(GraphGate gate, BiasSlot? slot, byte mode)
        {
            _gate = gate;
            _slot = slot;
            _mode = mode;
        }

        /// <summary>Leaves the gate (a re-entered scope leaves it to the outermost one).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose()
        {
            if (_mode == Biased)
            {
                _gate.LeaveBiased(_slot!);
            }
            else if (_mode == Normal)
            {
                _gate.LeaveNormal();
            }
        }
    }
}
