using System.Runtime.ExceptionServices;

namespace ViewSync.Store;

/// <summary>Per-id change tracking: each operation's set of changed ids, delivered to the listeners of each entity type.</summary>
public sealed partial class LocalStore
{
    /// <summary>Tables that collected changed ids during the operation that is running.</summary>
    private readonly List<EntityTable> _changedTables = [];
    private bool _delivering;

    /// <summary>
    /// Starts delivering the changed ids of <paramref name="entity"/> to <paramref name="listener"/> after every operation.
    /// The store holds the listener weakly: a query nobody references any more stops costing anything. Caller holds the gate.
    /// </summary>
    internal void AddListener(string entity, IStoreChangeListener listener)
    {
        var table = Table(entity, create: true)!;
        (table.Listeners ??= []).Add(new WeakReference<IStoreChangeListener>(listener));
    }

    /// <summary>Stops delivering to <paramref name="listener"/>. Caller holds the gate.</summary>
    internal void RemoveListener(string entity, IStoreChangeListener listener)
    {
        if (_tables.TryGetValue(entity, out var table) && table.Listeners is { } listeners)
        {
            listeners.RemoveAll(l => !l.TryGetTarget(out var target) || ReferenceEquals(target, listener));
        }
    }

    /// <summary>Reads one entity without subscribing anyone. Caller holds the gate.</summary>
    internal bool TryPeek(string entity, string id, out StoreEntry entry)
    {
        if (_tables.TryGetValue(entity, out var table) && table.Slots.TryGetValue(id, out var slot) && slot.Value is { } value)
        {
            entry = new StoreEntry(id, value, slot.Revision);
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>Every entity of a type, in no particular order, without subscribing anyone. Caller holds the gate.</summary>
    internal void PeekAll(string entity, List<StoreEntry> into)
    {
        if (!_tables.TryGetValue(entity, out var table))
        {
            return;
        }

        into.EnsureCapacity(into.Count + table.Count);
        foreach (var (id, slot) in table.Slots)
        {
            if (slot.Value is { } value)
            {
                into.Add(new StoreEntry(id, value, slot.Revision));
            }
        }
    }

    /// <summary>The number of entities of a type, without subscribing anyone. Caller holds the gate.</summary>
    internal int PeekCount(string entity) => _tables.TryGetValue(entity, out var table) ? table.Count : 0;

    /// <summary>Ends a write operation: listeners catch up, then the batch ends (and effects run) even if a listener threw.</summary>
    private void EndOperation()
    {
        try
        {
            DeliverChanges();
        }
        finally
        {
            ReactiveRuntime.EndBatch();
        }
    }

    /// <summary>
    /// Hands each table's changed ids to its listeners. Runs at the end of every operation, still inside its batch,
    /// so listeners (and the signals they move) are up to date before any effect runs. Writes made by listeners are
    /// collected and delivered in a further round of this loop, never re-entrantly.
    /// </summary>
    private void DeliverChanges()
    {
        if (_delivering || _changedTables.Count == 0)
        {
            return;
        }

        _delivering = true;
        ExceptionDispatchInfo? failure = null;
        using var untracked = ReactiveRuntime.SuspendTracking();
        try
        {
            while (_changedTables.Count > 0)
            {
                var table = _changedTables[^1];
                _changedTables.RemoveAt(_changedTables.Count - 1);
                var ids = table.TakeChanges();
                var listeners = table.Listeners;
                if (listeners is null)
                {
                    continue;
                }

                // Listeners added during delivery start from the current state already: only the ones known now are told.
                var known = listeners.Count;
                for (var i = 0; i < known && i < listeners.Count; i++)
                {
                    if (!listeners[i].TryGetTarget(out var listener))
                    {
                        listeners.RemoveAt(i--);
                        known--;
                        continue;
                    }

                    try
                    {
                        listener.OnChanged(ids);
                    }
                    catch (Exception e)
                    {
                        // Every listener must still catch up; the first failure is reported once all have.
                        failure ??= ExceptionDispatchInfo.Capture(e);
                    }
                }
            }
        }
        finally
        {
            _delivering = false;
        }

        failure?.Throw();
    }

    /// <summary>The change-tracking part of a table.</summary>
    private sealed partial class EntityTable
    {
        /// <summary>Queries and indexes that maintain themselves from this table's changes; null until the first one.</summary>
        public List<WeakReference<IStoreChangeListener>>? Listeners;

        private List<string> _changed = [];
        private HashSet<string>? _changedSet;

        /// <summary>Notes that <paramref name="id"/> changed in this operation, when someone listens.</summary>
        public void RecordChange(string id, LocalStore store)
        {
            if (Listeners is not { Count: > 0 })
            {
                return;
            }

            if (_changed.Count == 0)
            {
                store._changedTables.Add(this);
            }

            // A small operation checks the list; a large one (a load, a rebase) switches to a set.
            if (_changedSet is null && _changed.Count < 8)
            {
                if (!_changed.Contains(id))
                {
                    _changed.Add(id);
                }

                return;
            }

            _changedSet ??= new HashSet<string>(_changed, StringComparer.Ordinal);
            if (_changedSet.Add(id))
            {
                _changed.Add(id);
            }
        }

        /// <summary>The ids changed since the last call, distinct.</summary>
        public List<string> TakeChanges()
        {
            var ids = _changed;
            _changed = [];
            _changedSet = null;
            return ids;
        }
    }
}
