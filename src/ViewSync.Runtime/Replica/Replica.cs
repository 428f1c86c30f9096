using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Store;

namespace ViewSync;

/// <summary>
/// The client's copy of a scope: the state the server confirmed, the queue of mutations it has not
/// confirmed yet, and the visible <see cref="Store"/> = confirmed state + pending mutations replayed
/// in order (the optimistic layer).
/// </summary>
/// <remarks>
/// <para><see cref="Mutate(string, JsonElement)"/> runs the mutator at once against the visible
/// state, so the UI updates synchronously, and queues it. When server state arrives
/// (<see cref="ApplyServerChanges"/>, <see cref="ResetConfirmed"/>) the pending mutations are
/// replayed on top of it and only the entities whose visible value changed notify, in one batch:
/// a value the user sees never flickers back to an older one.</para>
/// <para>Thread-safe; it shares the reactive graph's lock (see <see cref="Reactive"/>).</para>
/// </remarks>
public sealed class Replica
{
    private readonly LocalStore _confirmed = new();
    private readonly MutationQueue _queue = new();
    private readonly Signal<int> _pendingCount = new(0, name: "pending mutations");
    private readonly TimeProvider _timeProvider;
    private MutationFactory _factory;

    /// <summary>Entities whose visible value may differ from the confirmed one because of pending mutations.</summary>
    private HashSet<(string Entity, string Id)> _optimistic = [];

    /// <summary>Creates an empty replica.</summary>
    /// <param name="mutators">The mutators it can apply (a generated database's <c>Mutators</c>).</param>
    /// <param name="options">Scope, client id and clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="mutators"/> is null.</exception>
    public Replica(MutatorTable mutators, ReplicaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mutators);
        options ??= new ReplicaOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Scope, nameof(options));
        Mutators = mutators;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _factory = new MutationFactory(options.ClientId ?? MutationIds.NewClientId(), options.Scope, 0, _timeProvider);
    }

    /// <summary>Raised after a mutation was applied optimistically and queued, outside the graph's lock.</summary>
    public event EventHandler<MutationQueuedEventArgs>? MutationQueued;

    /// <summary>The mutators this replica applies.</summary>
    public MutatorTable Mutators { get; }

    /// <summary>The visible state: confirmed server state plus pending mutations. Read it; write through mutations.</summary>
    public LocalStore Store { get; } = new();

    /// <summary>The scope this replica mirrors.</summary>
    public string Scope => _factory.Scope;

    /// <summary>This installation's client id.</summary>
    public string ClientId => _factory.Client;

    /// <summary>The sequence number of the last mutation created.</summary>
    public ulong LastSeq => _factory.LastSeq;

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
    public StoreSnapshot ConfirmedSnapshot() => _confirmed.Snapshot();

    /// <summary>Applies a mutator optimistically and queues it for the server.</summary>
    /// <param name="name">The mutator name, e.g. <c>todo.toggle</c>.</param>
    /// <param name="args">The arguments, a JSON object (UTF-8).</param>
    /// <returns>The new mutation's id.</returns>
    /// <exception cref="ArgumentException"><paramref name="args"/> is not valid JSON.</exception>
    /// <exception cref="MutationRejectedException">The mutator is unknown or rejected the mutation; nothing was queued.</exception>
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

    /// <summary>Applies a mutator optimistically and queues it for the server.</summary>
    /// <param name="name">The mutator name, e.g. <c>todo.toggle</c>.</param>
    /// <param name="args">The arguments, a JSON object.</param>
    /// <returns>The new mutation's id.</returns>
    /// <exception cref="MutationRejectedException">The mutator is unknown or rejected the mutation; nothing was queued.</exception>
    public string Mutate(string name, JsonElement args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Mutation mutation;
        using (ReactiveRuntime.Gate.EnterScope())
        {
            using var untracked = ReactiveRuntime.SuspendTracking();
            var transaction = new BufferedTransaction(Store);
            Mutators.Apply(transaction, name, args);
            mutation = _factory.Create(name, args);
            _queue.Push(mutation);
            foreach (var write in transaction.Writes)
            {
                _optimistic.Add((write.Entity, write.Id));
            }

            ReactiveRuntime.StartBatch();
            try
            {
                Store.Apply(transaction.Writes);
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
    /// Restores a replica from persistence: the confirmed state, the pending mutations (re-applied
    /// optimistically) and the last sequence number, so new mutations continue the sequence.
    /// </summary>
    /// <param name="confirmed">The confirmed server state that was saved.</param>
    /// <param name="pending">The mutations still pending, in order.</param>
    /// <param name="clientId">The installation's client id.</param>
    /// <param name="lastSeq">The last sequence number used.</param>
    public void Restore(StoreSnapshot confirmed, IEnumerable<Mutation> pending, string clientId, ulong lastSeq)
    {
        ArgumentNullException.ThrowIfNull(confirmed);
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        using var untracked = ReactiveRuntime.SuspendTracking();
        // Persistence may record appends from several threads out of order; sequence numbers give the true order.
        var queued = pending.OrderBy(m => m.Seq).ToList();
        _factory = new MutationFactory(clientId, Scope, Math.Max(lastSeq, queued.Count == 0 ? 0 : queued.Max(m => m.Seq)), _timeProvider);
        _queue.Clear();
        foreach (var mutation in queued)
        {
            _queue.Push(mutation);
        }

        _confirmed.Load(confirmed);
        RebaseAll();
    }

    /// <summary>
    /// Applies changes pulled from the server to the confirmed state, drops the mutations the server
    /// has confirmed, and replays the rest on top (rules 2 and 3 of the protocol), as one batch.
    /// </summary>
    /// <param name="changes">The entity changes, in log order.</param>
    /// <param name="confirmedMutationIds">Mutations whose effects the changes now include.</param>
    public void ApplyServerChanges(IEnumerable<EntityWrite> changes, IEnumerable<string> confirmedMutationIds)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(confirmedMutationIds);
        var list = changes as IReadOnlyCollection<EntityWrite> ?? changes.ToList();
        using var scope = ReactiveRuntime.Gate.EnterScope();
        using var untracked = ReactiveRuntime.SuspendTracking();
        _confirmed.Apply(list);
        _queue.RemoveRange(confirmedMutationIds);
        Rebase(list.Select(c => (c.Entity, c.Id)));
    }

    /// <summary>
    /// Replaces the confirmed state with a server snapshot, drops the mutations it includes, and
    /// replays the rest on top, as one batch.
    /// </summary>
    /// <param name="snapshot">The scope's full state.</param>
    /// <param name="confirmedMutationIds">Mutations whose effects the snapshot includes.</param>
    public void ResetConfirmed(StoreSnapshot snapshot, IEnumerable<string> confirmedMutationIds)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(confirmedMutationIds);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        using var untracked = ReactiveRuntime.SuspendTracking();
        _confirmed.Load(snapshot);
        _queue.RemoveRange(confirmedMutationIds);
        RebaseAll();
    }

    /// <summary>Removes a mutation the server rejected and rolls its effects back (by replaying the others).</summary>
    /// <param name="mutationId">The mutation's id.</param>
    /// <returns><see langword="true"/> when it was pending.</returns>
    public bool Reject(string mutationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mutationId);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        using var untracked = ReactiveRuntime.SuspendTracking();
        if (!_queue.Remove(mutationId))
        {
            return false;
        }

        Rebase([]);
        return true;
    }

    /// <summary>Visible = confirmed + pending, recomputed for every entity (after a snapshot or restore).</summary>
    private void RebaseAll()
    {
        var overlay = Replay();
        var writes = overlay.Writes;
        var written = writes.Select(w => (w.Entity, w.Id)).ToHashSet();
        var visible = new StoreSnapshot.Builder();
        foreach (var (entity, ids) in _confirmed.Snapshot().Entities)
        {
            foreach (var (id, json) in ids)
            {
                if (!written.Contains((entity, id)))
                {
                    visible.Add(entity, id, json.Span);
                }
            }
        }

        foreach (var write in writes)
        {
            if (write.Json is { } json)
            {
                visible.Add(write.Entity, write.Id, json.Span);
            }
        }

        ReactiveRuntime.StartBatch();
        try
        {
            Store.Load(visible.Build());
            _optimistic = written;
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
            Store.Apply(writes);
            _optimistic = touched;
            _pendingCount.Set(_queue.Count);
        }
        finally
        {
            ReactiveRuntime.EndBatch();
        }
    }

    /// <summary>Replays every pending mutation, in order, over the confirmed state. One that now fails is skipped (the server will judge it).</summary>
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
            catch (MutationRejectedException)
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
