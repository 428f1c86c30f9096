using System.Runtime.InteropServices;
using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Persistence;
using ViewSync.Store;

namespace ViewSync;

/// <summary>
/// The client's copy of a scope: the state the server confirmed with its cursor, the queue of mutations it
/// has not confirmed yet, and the visible <see cref="Store"/> = confirmed state + pending mutations
/// replayed in order (the optimistic layer). Once opened over an <see cref="IPersistence"/>, it is the one
/// writer of that journal: every change is recorded before it becomes visible.
/// </summary>
/// <remarks>
/// <para><see cref="Mutate(string, JsonElement)"/> runs the mutator at once against the visible state, so the
/// UI updates synchronously, records the mutation in the journal (handed to the operating system before it
/// returns: killing the process cannot lose it), and queues it. When server state arrives
/// (<see cref="ApplyServerChanges"/>, <see cref="BeginSnapshot"/>) it is recorded with its cursor as one
/// record, the pending mutations are replayed on top of it, and only the entities whose visible value
/// changed notify, in one batch: a value the user sees never flickers back to an older one.</para>
/// <para>Before <see cref="OpenAsync"/>, mutations are kept in memory; opening records them after the ones
/// the journal held.</para>
/// <para>Thread-safe; it shares the reactive graph's lock (see <see cref="Reactive"/>).</para>
/// </remarks>
public sealed partial class Replica : IAsyncDisposable
{
    private readonly ConfirmedState _confirmed = new();
    private readonly MutationQueue _queue = new();
    private readonly Signal<int> _pendingCount = new(0, name: "pending mutations");
    private readonly TimeProvider _timeProvider;
    private readonly long _maxMutationBytes;
    private MutationFactory _factory;
    private ReplicaJournal? _journal;

    /// <summary>
    /// The highest sequence number a durable journal record allows under the current client id; no journal, no limit.
    /// Numbers are minted only below it, so a power loss that drops the newest records can never make the client
    /// reuse a number (and so a mutation id) that may have reached the server.
    /// </summary>
    private ulong _reservedSeq = ulong.MaxValue;
    private bool _opening;
    private int _closedCompactions;
    private ulong _cursor;

    /// <summary>
    /// Entities whose visible value may differ from the confirmed one because of pending mutations. One set for the
    /// replica's lifetime, refilled by a rebase (<see cref="SetOptimistic"/>): every optimistic write adds to it, and a
    /// set that keeps its capacity does not grow again, step by step, after each pull.
    /// </summary>
    private readonly HashSet<(string Entity, string Id)> _optimistic = [];

    /// <summary>Creates an empty replica, in memory until <see cref="OpenAsync"/>.</summary>
    /// <param name="mutators">The mutators it can apply (a generated database's <c>Mutators</c>).</param>
    /// <param name="options">Scope, client id, clock and size limit.</param>
    /// <exception cref="ArgumentNullException"><paramref name="mutators"/> is null.</exception>
    public Replica(MutatorTable mutators, ReplicaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mutators);
        options ??= new ReplicaOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Scope, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxMutationBytes, nameof(options));
        Mutators = mutators;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _maxMutationBytes = options.MaxMutationBytes;
        _factory = new MutationFactory(options.ClientId ?? MutationIds.NewClientId(), options.Scope, 0, _timeProvider);
    }

    /// <summary>
    /// How many sequence numbers one opening of the journal reserves with a single durable record (2^32: a restart
    /// skips the rest, and 2^32 restarts fit in the 64-bit space). Smaller only in tests, to reach the next reservation.
    /// </summary>
    internal ulong SeqReservation { get; init; } = 1UL << 32;

    /// <summary>Raised after a mutation was applied optimistically and queued, outside the graph's lock.</summary>
    public event EventHandler<MutationQueuedEventArgs>? MutationQueued;

    /// <summary>Raised when flushing or compacting the journal in the background fails (the replica keeps working).</summary>
    public event EventHandler<ErrorEventArgs>? PersistenceFailed;

    /// <summary>The mutators this replica applies.</summary>
    public MutatorTable Mutators { get; }

    /// <summary>The visible state: confirmed server state plus pending mutations. Read it; write through mutations.</summary>
    public LocalStore Store { get; } = new();

    /// <summary>The scope this replica mirrors.</summary>
    public string Scope => _factory.Scope;

    /// <summary>This installation's client id (from the journal once opened).</summary>
    public string ClientId => _factory.Client;

    /// <summary>The sequence number of the last mutation created.</summary>
    public ulong LastSeq => _factory.LastSeq;

    /// <summary>The cursor the confirmed state is at: only ever a value pulled up to or taken from a snapshot.</summary>
    public ulong Cursor
    {
        get
        {
            using var scope = ReactiveRuntime.Gate.EnterScope();
            return _cursor;
        }
    }

    /// <summary>Whether the replica writes a journal (<see cref="OpenAsync"/> completed).</summary>
    public bool IsPersistent => Volatile.Read(ref _journal) is not null;

    /// <summary>Compactions of the journal so far, including after it was closed (for diagnostics).</summary>
    public int JournalCompactions => Volatile.Read(ref _closedCompactions) + (Volatile.Read(ref _journal)?.Compactions ?? 0);

    /// <summary>The number of mutations not yet confirmed by the server, as a signal a UI can bind to.</summary>
    public IReadOnlySignal<int> PendingCount => _pendingCount;

    /// <summary>The mutations not yet confirmed by the server, in the order they were made.</summary>
    /// <returns>A copy of the queue.</returns>
    public IReadOnlyList<Mutation> Pending() => _queue.Pending();

    /// <summary>The mutations not yet confirmed, at most <paramref name="max"/> from the front.</summary>
    /// <param name="max">The most to return.</param>
    /// <returns>A copy of the front of the queue.</returns>
    public IReadOnlyList<Mutation> Pending(int max) => _queue.Pending(max);

    /// <summary>A copy of the state the server has confirmed.</summary>
    /// <returns>The confirmed state.</returns>
    public StoreSnapshot ConfirmedSnapshot()
    {
        ConfirmedImage image;
        using (ReactiveRuntime.Gate.EnterScope())
        {
            image = _confirmed.Image;
        }

        return image.ToSnapshot();
    }

    /// <summary>
    /// Opens the journal in <paramref name="persistence"/>: restores the confirmed state, its cursor and the
    /// pending mutations (re-applied optimistically), records the mutations made before opening after them,
    /// and from then on records every change. Damage is repaired and reported, never thrown.
    /// </summary>
    /// <param name="persistence">Where the journal lives; the replica owns it from now on and disposes it.</param>
    /// <param name="options">Flush and compaction settings; defaults when null.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The cursor and the problems found.</returns>
    /// <exception cref="InvalidOperationException">The replica is open already.</exception>
    /// <exception cref="PersistenceLockedException">Another client uses the same location.</exception>
    /// <exception cref="IOException">The location cannot be used; mutations made so far stay queued in memory.</exception>
    public async Task<ReplicaOpenResult> OpenAsync(IPersistence persistence, JournalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        options ??= new JournalOptions();
        options.Validate();
        using (ReactiveRuntime.Gate.EnterScope())
        {
            if (_journal is not null || _opening)
            {
                throw new InvalidOperationException("The replica is open already; open it once.");
            }

            _opening = true;
        }

        try
        {
            var (journal, state) = await ReplicaJournal.OpenAsync(persistence, options, _timeProvider, cancellationToken).ConfigureAwait(false);
            try
            {
                // Durable before any number of it is used: see _reservedSeq.
                ulong reserved;
                using (ReactiveRuntime.Gate.EnterScope())
                {
                    reserved = Reserve(Math.Max(state.LastSeq, _factory.LastSeq));
                }

                journal.AppendSeqReservation(state.ClientId!, reserved);
                await journal.FlushAsync(cancellationToken).ConfigureAwait(false);
                Restore(journal, state, reserved);
            }
            catch
            {
                await journal.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            journal.BackgroundFailure += e => PersistenceFailed?.Invoke(this, new ErrorEventArgs(e));
            journal.SetCheckpointSource(Checkpoint);
            return new ReplicaOpenResult(state.Cursor, state.Problems);
        }
        finally
        {
            using (ReactiveRuntime.Gate.EnterScope())
            {
                _opening = false;
            }
        }
    }

    /// <summary>Waits until every change recorded so far is flushed to disk (not only handed to the operating system).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes once they are durable.</returns>
    /// <exception cref="IOException">The flush failed.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref _journal) is { } journal ? journal.FlushAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Applies a mutator optimistically, records it and queues it for the server.</summary>
    /// <param name="name">The mutator name, e.g. <c>todo.toggle</c>.</param>
    /// <param name="args">The arguments, a JSON object (UTF-8).</param>
    /// <returns>The new mutation's id.</returns>
    /// <exception cref="ArgumentException"><paramref name="args"/> is not valid JSON.</exception>
    /// <exception cref="MutationRejectedException">The mutator is unknown or rejected the mutation; nothing was queued.</exception>
    /// <exception cref="MutationTooLargeException">The mutation could never fit in a push batch; nothing was queued.</exception>
    /// <exception cref="IOException">It could not be recorded in the journal; nothing was queued.</exception>
    public string Mutate(string name, ReadOnlyMemory<byte> args)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(args);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The arguments of '{name}' are not valid JSON: {e.Message}", nameof(args), e);
        }

        using (document)
        {
            return Mutate(name, document.RootElement);
        }
    }

    /// <summary>Applies a mutator optimistically, records it and queues it for the server.</summary>
    /// <param name="name">The mutator name, e.g. <c>todo.toggle</c>.</param>
    /// <param name="args">The arguments, a JSON object.</param>
    /// <returns>The new mutation's id.</returns>
    /// <exception cref="MutationRejectedException">The mutator is unknown or rejected the mutation; nothing was queued.</exception>
    /// <exception cref="MutationTooLargeException">The mutation could never fit in a push batch; nothing was queued.</exception>
    /// <exception cref="IOException">It could not be recorded in the journal; nothing was queued.</exception>
    public string Mutate(string name, JsonElement args) => Mutate(name, args, null);

    private string Mutate(string name, JsonElement args, TaskCompletionSource<MutationDecision>? outcome)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Mutation mutation;
        using (ReactiveRuntime.Gate.EnterScope())
        {
            using var untracked = ReactiveRuntime.SuspendTracking();
            var transaction = new BufferedTransaction(Store);
            Mutators.Apply(transaction, name, args);
            EnsureSeqReserved();
            mutation = _factory.Create(name, args);
            ThrowIfTooLarge(mutation);
            // Recorded before it is visible: if recording fails, nothing happened.
            _journal?.AppendQueued(mutation);
            _queue.Push(mutation);
            if (outcome is not null)
            {
                _outcomes[mutation.Id] = outcome;
            }
            foreach (var write in transaction.Writes)
            {
                _optimistic.Add((write.Entity, write.Id));
            }

            ReactiveRuntime.StartBatch();
            try
            {
                Store.ApplyChecked(transaction.Writes);
                _pendingCount.Set(_queue.Count);
            }
            finally
            {
                ReactiveRuntime.EndBatch();
            }
        }

        MutationQueued?.Invoke(this, new MutationQueuedEventArgs(mutation));
        return mutation.Id;
    }

    /// <summary>
    /// The built-in create, update or delete of an entity whose JSON the runtime wrote itself from the typed value
    /// (<see cref="EntityCollection{T}"/>): what <see cref="Mutate(string, JsonElement)"/> of <c>{entity}.create</c>
    /// does, without parsing the arguments, decoding the entity again to validate it, or copying it. The mutation
    /// keeps <paramref name="args"/> and the store keeps <paramref name="data"/> (a slice of them).
    /// </summary>
    /// <exception cref="MutationRejectedException">A create of an entity that exists, or an update of one that does not; nothing was queued.</exception>
    /// <exception cref="MutationTooLargeException">The mutation could never fit in a push batch; nothing was queued.</exception>
    /// <exception cref="IOException">It could not be recorded in the journal; nothing was queued.</exception>
    internal string MutateEntity(EntityType type, EntityWriteKind kind, string id, byte[] args, ReadOnlyMemory<byte>? data)
    {
        Mutation mutation;
        using (ReactiveRuntime.Gate.EnterScope())
        {
            using var untracked = ReactiveRuntime.SuspendTracking();
            string name;
            if (kind == EntityWriteKind.Delete)
            {
                name = type.DeleteMutation;
            }
            else
            {
                // The same rules as the built-in mutators (MutatorTable), which the server runs on these arguments.
                // Under the gate with tracking suspended: a peek, no name checks (the collection checked them) and no subscription.
                var exists = Store.TryPeek(type.Name, id, out _);
                var create = kind == EntityWriteKind.Create || (kind == EntityWriteKind.Set && !exists);
                if (create && exists)
                {
                    throw MutationRejectedException.Conflict($"{type.Name} '{id}' already exists.");
                }

                if (!create && !exists)
                {
                    throw MutationRejectedException.Conflict($"{type.Name} '{id}' does not exist (it may have been deleted).");
                }

                name = create ? type.CreateMutation : type.UpdateMutation;
            }

            EnsureSeqReserved();
            mutation = _factory.CreateTrusted(name, args);
            ThrowIfTooLarge(mutation);
            // Recorded before it is visible: if recording fails, nothing happened.
            _journal?.AppendQueued(mutation);
            var pending = _queue.PushAndCount(mutation);
            _optimistic.Add((type.Name, id));
            ReactiveRuntime.StartBatch();
            try
            {
                Store.ApplyChecked(type.Name, id, data);
                _pendingCount.Set(pending);
            }
            finally
            {
                ReactiveRuntime.EndBatch();
            }
        }

        MutationQueued?.Invoke(this, new MutationQueuedEventArgs(mutation));
        return mutation.Id;
    }

    /// <summary>
    /// Applies a pulled page: records it (cursor, changes and confirmed mutations as one record), applies the
    /// changes to the confirmed state, moves the cursor, drops the mutations the server confirmed, and
    /// replays the rest on top (rules 1–3 of the protocol), as one batch. Costs O(page), not O(store).
    /// </summary>
    /// <param name="changes">The entity changes, in log order.</param>
    /// <param name="cursor">The cursor after the page.</param>
    /// <param name="confirmedMutationIds">Mutations whose effects the state at <paramref name="cursor"/> includes.</param>
    /// <exception cref="IOException">The page could not be recorded; nothing changed.</exception>
    /// <exception cref="ArgumentException">A change has an empty name or id, or a value that is not one complete JSON value; nothing changed.</exception>
    public void ApplyServerChanges(IReadOnlyCollection<EntityWrite> changes, ulong cursor, IReadOnlyCollection<string> confirmedMutationIds)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(confirmedMutationIds);
        // Checked and copied before anything is recorded: the journal, the confirmed state and the visible store keep these bytes.
        var copies = new List<EntityWrite>(changes.Count);
        foreach (var change in changes)
        {
            EntityNames.Validate(change.Entity, change.Id);
            if (change.Json is { } json)
            {
                Utf8JsonValidator.ThrowIfInvalid(json.Span, nameof(changes));
                copies.Add(change with { Json = json.ToArray() });
            }
            else
            {
                copies.Add(change);
            }
        }

        ApplyCheckedServerChanges(copies, cursor, confirmedMutationIds);
    }

    /// <summary>
    /// <see cref="ApplyServerChanges"/> for changes whose names and JSON were checked already and whose bytes nobody
    /// will ever change (the sync loop's, decoded from a parsed page).
    /// </summary>
    internal void ApplyCheckedServerChanges(IReadOnlyCollection<EntityWrite> changes, ulong cursor, IReadOnlyCollection<string> confirmedMutationIds)
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        using var untracked = ReactiveRuntime.SuspendTracking();
        var confirmed = confirmedMutationIds.Where(_queue.Contains).ToList();
        _journal?.AppendPage(cursor, changes, confirmed);
        _confirmed.Apply(changes);
        _cursor = cursor;
        _queue.RemoveRange(confirmed);
        SettleConfirmed(confirmed);
        if (_queue.Count == 0 && _optimistic.Count == 0)
        {
            // Nothing pending and nothing optimistic: visible = confirmed, so the page's writes are the visible ones.
            ReactiveRuntime.StartBatch();
            try
            {
                Store.ApplyChecked(changes);
                _pendingCount.Set(0);
            }
            finally
            {
                ReactiveRuntime.EndBatch();
            }

            return;
        }

        Rebase(changes.Select(c => (c.Entity, c.Id)));
    }

    /// <summary>
    /// Starts taking a snapshot: add its entities as they arrive (each is recorded in chunks, so a large
    /// snapshot streams), then <see cref="SnapshotLoad.Complete"/> replaces the confirmed state in one step.
    /// </summary>
    /// <returns>The load; dispose it without completing to abandon the snapshot.</returns>
    public SnapshotLoad BeginSnapshot() => new(this, Volatile.Read(ref _journal)?.BeginSnapshot());

    /// <summary>Replaces the confirmed state with a whole snapshot; see <see cref="BeginSnapshot"/>.</summary>
    /// <param name="snapshot">The scope's full state.</param>
    /// <param name="cursor">The cursor the snapshot is at.</param>
    /// <param name="confirmedMutationIds">Mutations whose effects the snapshot includes.</param>
    /// <exception cref="IOException">The snapshot could not be recorded; nothing changed.</exception>
    public void ResetConfirmed(StoreSnapshot snapshot, ulong cursor, IReadOnlyCollection<string> confirmedMutationIds)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var load = BeginSnapshot();
        foreach (var (entity, ids) in snapshot.Entities)
        {
            foreach (var (id, json) in ids)
            {
                load.Add(entity, id, json);
            }
        }

        load.Complete(cursor, confirmedMutationIds);
    }

    /// <summary>Records that the server rejected a mutation, removes it and rolls its effects back (by replaying the others).</summary>
    /// <param name="mutationId">The mutation's id.</param>
    /// <returns><see langword="true"/> when it was pending.</returns>
    /// <exception cref="IOException">The rejection could not be recorded; nothing changed.</exception>
    public bool Reject(string mutationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mutationId);
        return Reject([mutationId]) == 1;
    }

    /// <summary>
    /// Records that the server rejected mutations, as one record (all of them or, when it throws, none), removes
    /// them and rolls their effects back (by replaying the others).
    /// </summary>
    /// <param name="mutationIds">The mutations' ids; ids that are not pending are ignored.</param>
    /// <returns>How many were pending.</returns>
    /// <exception cref="IOException">The rejections could not be recorded; nothing changed.</exception>
    /// <remarks>Their <see cref="MutationResult"/>s complete as rejected, with code <c>invalid_mutation</c>.</remarks>
    public int Reject(IReadOnlyCollection<string> mutationIds)
    {
        ArgumentNullException.ThrowIfNull(mutationIds);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var count = RejectCore(mutationIds);
        SettleRejected(mutationIds.Select(id => new MutationRejection(id, ErrorCodes.InvalidMutation, "The mutation was rejected.")));
        return count;
    }

    private int RejectCore(IReadOnlyCollection<string> mutationIds)
    {
        using var untracked = ReactiveRuntime.SuspendTracking();
        var pending = mutationIds.Where(_queue.Contains).Distinct(StringComparer.Ordinal).ToList();
        if (pending.Count == 0)
        {
            return 0;
        }

        _journal?.AppendRejected(pending);
        _queue.RemoveRange(pending);
        Rebase([]);
        return pending.Count;
    }

    /// <summary>Flushes and closes the journal; the replica stays readable in memory.</summary>
    /// <returns>A task that completes once the journal is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _journal) is { } journal)
        {
            await journal.DisposeAsync().ConfigureAwait(false);
            using var scope = ReactiveRuntime.Gate.EnterScope();
            _closedCompactions += journal.Compactions;
            _journal = null;
            _reservedSeq = ulong.MaxValue;
        }
    }

    /// <summary>Completes a snapshot load (see <see cref="SnapshotLoad"/>).</summary>
    internal void CompleteSnapshot(ConfirmedImage image, JournalSnapshotWriter? writer, ulong cursor, IReadOnlyCollection<string> confirmedMutationIds)
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        using var untracked = ReactiveRuntime.SuspendTracking();
        var confirmed = confirmedMutationIds.Where(_queue.Contains).ToList();
        writer?.End(cursor, confirmed);
        _confirmed.Load(image);
        _cursor = cursor;
        _queue.RemoveRange(confirmed);
        SettleConfirmed(confirmed);
        RebaseAll();
    }

    private void Restore(ReplicaJournal journal, RecoveredJournal state, ulong reserved)
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        using var untracked = ReactiveRuntime.SuspendTracking();
        var madeBeforeOpening = _queue.Pending();
        var lastSeq = Math.Max(state.LastSeq, _factory.LastSeq);
        var factory = new MutationFactory(state.ClientId!, Scope, lastSeq, _timeProvider);
        // Made before opening: they join the journal after what it held, under its client id.
        var adopted = madeBeforeOpening
            .Where(m => !state.Pending.Contains(m.Id))
            .Select(m => m.Renumbered(factory.Client, ++lastSeq))
            .ToList();
        foreach (var mutation in adopted)
        {
            journal.AppendQueued(mutation);
        }

        _factory = new MutationFactory(factory.Client, Scope, lastSeq, _timeProvider);
        _queue.Clear();
        foreach (var mutation in state.Pending.Pending().Concat(adopted))
        {
            _queue.Push(mutation);
        }

        _confirmed.Load(new ConfirmedImage(state.Confirmed));
        _cursor = state.Cursor;
        _journal = journal;
        _reservedSeq = reserved;
        EnsureSeqReserved();
        RebaseAll();
    }

    private ulong Reserve(ulong from) => from > ulong.MaxValue - SeqReservation ? ulong.MaxValue : from + SeqReservation;

    /// <summary>
    /// Before minting (under the lock): when the next number lies beyond the durable reservation, records a new one and
    /// waits until it is durable. Once per <see cref="SeqReservation"/> mutations of one opening, so practically never.
    /// </summary>
    private void EnsureSeqReserved()
    {
        if (_factory.LastSeq < _reservedSeq || _journal is not { } journal)
        {
            return;
        }

        var reserved = Reserve(_factory.LastSeq);
        if (reserved == _factory.LastSeq)
        {
            return; // The 64-bit space is spent; the factory refuses to mint with a clear message.
        }

        journal.AppendSeqReservation(_factory.Client, reserved);
        journal.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
        _reservedSeq = reserved;
    }

    /// <summary>The whole state at the journal's current end, for compaction; null while a snapshot is being recorded.</summary>
    private JournalCheckpoint? Checkpoint()
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        if (_journal is not { } journal || !journal.TryMark(out var position))
        {
            return null;
        }

        // The reservation, not the last number used: a compacted journal must keep every number in it reserved.
        return new JournalCheckpoint(_factory.Client, Math.Max(_factory.LastSeq, _reservedSeq), _cursor, _confirmed.Image, _queue.Pending(), position);
    }

    private void ThrowIfTooLarge(Mutation mutation)
    {
        // Cheap bound first: the arguments' raw JSON plus generous room for the other fields.
        var estimate = mutation.Utf8Args.Length + (6L * (mutation.Name.Length + mutation.Scope.Length)) + 256;
        if (estimate <= _maxMutationBytes)
        {
            return;
        }

        var size = mutation.ToUtf8Json().Length;
        if (size > _maxMutationBytes)
        {
            throw new MutationTooLargeException(mutation.Name, size, _maxMutationBytes);
        }
    }

    /// <summary>Visible = confirmed + pending, recomputed for every entity (after a snapshot or restore).</summary>
    private void RebaseAll()
    {
        var overlay = Replay();
        var writes = overlay.Writes;
        var written = writes.Select(w => (w.Entity, w.Id)).ToHashSet();

        // Confirmed values and the replay's writes are never changed in place, and both were checked when they
        // arrived, so the visible store shares them as they are: no copy of the scope, no second validation.
        IEnumerable<(string Entity, string Id, ReadOnlyMemory<byte> Json)> Visible()
        {
            foreach (var entry in _confirmed.Entries())
            {
                if (written.Count == 0 || !written.Contains((entry.Entity, entry.Id)))
                {
                    yield return entry;
                }
            }

            foreach (var write in writes)
            {
                if (write.Json is { } json)
                {
                    yield return (write.Entity, write.Id, json);
                }
            }
        }

        ReactiveRuntime.StartBatch();
        try
        {
            Store.Replace(Visible());
            SetOptimistic(written);
            _pendingCount.Set(_queue.Count);
        }
        finally
        {
            ReactiveRuntime.EndBatch();
        }
    }

    /// <summary>Visible = confirmed + pending, recomputed only where it can differ: entities the server changed and entities pending mutations touch(ed).</summary>
    private void Rebase(IEnumerable<(string Entity, string Id)> changedByServer)
    {
        var overlay = Replay();
        var keys = new HashSet<(string Entity, string Id)>(_optimistic);
        keys.UnionWith(changedByServer);
        var touched = overlay.Writes.Select(w => (w.Entity, w.Id)).ToHashSet();
        keys.UnionWith(touched);
        var writes = keys.Select(key => new EntityWrite(key.Entity, key.Id,
            overlay.TryGet(key.Entity, key.Id, out ReadOnlyMemory<byte> json) ? json : (ReadOnlyMemory<byte>?)null));

        ReactiveRuntime.StartBatch();
        try
        {
            Store.ApplyChecked(writes);
            SetOptimistic(touched);
            _pendingCount.Set(_queue.Count);
        }
        finally
        {
            ReactiveRuntime.EndBatch();
        }
    }

    /// <summary>After a rebase: the optimistic entities are now exactly <paramref name="keys"/> (the set keeps its capacity).</summary>
    private void SetOptimistic(HashSet<(string Entity, string Id)> keys)
    {
        _optimistic.Clear();
        _optimistic.UnionWith(keys);
    }

    /// <summary>
    /// Replays every pending mutation, in order, over the confirmed state. One whose mutator now throws
    /// (anything: a rejection, or a null reference because another client deleted what it reads) contributes
    /// nothing and stays queued: the server, which runs the same code, judges it and its answer is reported.
    /// </summary>
    private BufferedTransaction Replay()
    {
        var overlay = new BufferedTransaction(_confirmed);
        foreach (var mutation in _queue.Pending())
        {
            var attempt = new BufferedTransaction(overlay);
            try
            {
                Mutators.Apply(attempt, mutation.Name, mutation.Args);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                continue;
            }

            foreach (var write in attempt.Writes)
            {
                if (write.Json is { } json)
                {
                    overlay.Put(write.Entity, write.Id, json.Span);
                }
                else
                {
                    overlay.Delete(write.Entity, write.Id);
                }
            }
        }

        return overlay;
    }
}
