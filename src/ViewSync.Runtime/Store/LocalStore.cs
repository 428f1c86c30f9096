using ViewSync.Mutators;

namespace ViewSync.Store;

/// <summary>
/// The local, reactive entity store: entity name → id → JSON (UTF-8), read by the UI and written by
/// mutations and the sync loop.
/// </summary>
/// <remarks>
/// <para><b>Fine-grained reactivity.</b> Inside a <see cref="Computed{T}"/> or <see cref="Effect"/>,
/// reading one entity (<see cref="TryGet(string, string, out StoreEntry)"/>, <see cref="Contains"/>)
/// re-runs it only when that entity changes; reading a type's membership (<see cref="Ids"/>,
/// <see cref="Count"/>) only when an id of that type is added or removed; reading a type's values
/// (<see cref="Entries"/>) when any value of that type changes. Writing bytes equal to the stored
/// ones is not a change. A write of many entities (<see cref="Apply(IEnumerable{EntityWrite})"/>,
/// <see cref="Load"/>) runs each affected effect once, and notifies only what is observed, so
/// loading 100,000 entities costs no notification for the ones nobody reads.</para>
/// <para><b>Ownership.</b> Values are copied on the way in and never changed in place, so callers
/// cannot alter the store behind its back, and a <see cref="StoreEntry"/> stays valid forever.</para>
/// <para><b>Threading.</b> Thread-safe. Every operation runs under the reactive graph's lock (one
/// lock, so an effect reading the store while another thread writes cannot deadlock); see
/// <see cref="Reactive"/>.</para>
/// </remarks>
public sealed partial class LocalStore : IEntityReader
{
    private readonly Dictionary<string, EntityTable> _tables = new(StringComparer.Ordinal);
    private long _revision;
    private long _loads;

    /// <summary>The names of entity types that currently hold at least one entity, in ordinal order. Not tracked.</summary>
    public IReadOnlyList<string> EntityNames
    {
        get
        {
            using var scope = ReactiveRuntime.Gate.EnterScope();
            return [.. _tables.Where(t => t.Value.Count > 0).Select(t => t.Key).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Looks up one entity; inside a computed or effect, subscribes to that entity.</summary>
    /// <param name="entity">The entity name, e.g. <c>todo</c>.</param>
    /// <param name="id">The entity's id.</param>
    /// <param name="entry">The entity when found.</param>
    /// <returns><see langword="true"/> when the entity exists.</returns>
    public bool TryGet(string entity, string id, out StoreEntry entry)
    {
        ViewSync.Store.EntityNames.Validate(entity, id);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var slot = Track(entity, id);
        if (slot?.Value is { } value)
        {
            entry = new StoreEntry(id, value, slot.Revision);
            return true;
        }

        entry = default;
        return false;
    }

    /// <inheritdoc />
    public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
    {
        var found = TryGet(entity, id, out StoreEntry entry);
        json = entry.Json;
        return found;
    }

    /// <summary>Returns one entity's JSON, or null; inside a computed or effect, subscribes to that entity.</summary>
    /// <param name="entity">The entity name.</param>
    /// <param name="id">The entity's id.</param>
    /// <returns>The JSON value, or null when the entity does not exist.</returns>
    public ReadOnlyMemory<byte>? Get(string entity, string id) => TryGet(entity, id, out StoreEntry entry) ? (ReadOnlyMemory<byte>?)entry.Json : null;

    /// <summary>Whether an entity exists; inside a computed or effect, subscribes to that entity.</summary>
    /// <param name="entity">The entity name.</param>
    /// <param name="id">The entity's id.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool Contains(string entity, string id) => TryGet(entity, id, out StoreEntry _);

    /// <summary>The ids of one entity type in ordinal order; inside a computed or effect, subscribes to the type's membership.</summary>
    /// <param name="entity">The entity name.</param>
    /// <returns>The ids.</returns>
    public IReadOnlyList<string> Ids(string entity)
    {
        ViewSync.Store.EntityNames.Validate(entity);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var table = TrackMembership(entity);
        return table is null ? [] : table.SortedIdsView();
    }

    /// <summary>The number of entities of one type; inside a computed or effect, subscribes to the type's membership.</summary>
    /// <param name="entity">The entity name.</param>
    /// <returns>The count.</returns>
    public int Count(string entity)
    {
        ViewSync.Store.EntityNames.Validate(entity);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        return TrackMembership(entity)?.Count ?? 0;
    }

    /// <summary>Every entity of one type, ordered by id; inside a computed or effect, subscribes to every value of the type.</summary>
    /// <param name="entity">The entity name.</param>
    /// <returns>The entries.</returns>
    public IReadOnlyList<StoreEntry> Entries(string entity)
    {
        ViewSync.Store.EntityNames.Validate(entity);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var table = Table(entity, create: ReactiveRuntime.Observer is not null);
        if (table is null)
        {
            return [];
        }

        if (ReactiveRuntime.Observer is not null)
        {
            (table.Contents ??= new Signal<long>(0)).Get();
        }

        var ids = table.SortedIds();
        var entries = new StoreEntry[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var slot = table.Slots[ids[i]];
            entries[i] = new StoreEntry(ids[i], slot.Value!.Value, slot.Revision);
        }

        return entries;
    }

    /// <summary>Creates or replaces one entity.</summary>
    /// <param name="entity">The entity name.</param>
    /// <param name="id">The entity's id.</param>
    /// <param name="json">Its JSON value (UTF-8); the store keeps a copy.</param>
    /// <returns><see langword="true"/> when the stored value changed.</returns>
    /// <exception cref="ArgumentException">An argument is empty, or <paramref name="json"/> is not one complete JSON value.</exception>
    public bool Set(string entity, string id, ReadOnlySpan<byte> json)
    {
        ViewSync.Store.EntityNames.Validate(entity, id);
        Utf8JsonValidator.ThrowIfInvalid(json, nameof(json));
        var copy = json.ToArray();
        using var scope = ReactiveRuntime.Gate.EnterScope();
        ReactiveRuntime.StartBatch();
        try
        {
            return Write(entity, id, copy);
        }
        finally
        {
            EndOperation();
        }
    }

    /// <summary>Deletes one entity.</summary>
    /// <param name="entity">The entity name.</param>
    /// <param name="id">The entity's id.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool Delete(string entity, string id)
    {
        ViewSync.Store.EntityNames.Validate(entity, id);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        ReactiveRuntime.StartBatch();
        try
        {
            return Write(entity, id, null);
        }
        finally
        {
            EndOperation();
        }
    }

    /// <summary>Applies many writes as one change: observers run once, after all of them.</summary>
    /// <param name="writes">The writes, applied in order (a later write of the same entity wins).</param>
    /// <returns>The number of entities whose stored value changed.</returns>
    /// <exception cref="ArgumentException">A write has an empty name or id, or invalid JSON. Nothing is applied.</exception>
    public int Apply(IEnumerable<EntityWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);

        // Validate and copy everything first, so a bad write leaves the store untouched.
        var prepared = new List<EntityWrite>();
        foreach (var write in writes)
        {
            ViewSync.Store.EntityNames.Validate(write.Entity, write.Id);
            ReadOnlyMemory<byte>? copy = null;
            if (write.Json is { } json)
            {
                Utf8JsonValidator.ThrowIfInvalid(json.Span, nameof(writes));
                copy = json.ToArray();
            }

            prepared.Add(write with { Json = copy });
        }

        return ApplyChecked(prepared);
    }

    /// <summary>
    /// Moves on every change of any stored value (not tracked): a reader that cached something at one value of it
    /// knows nothing changed while it still reads the same (entity handles, <see cref="Entity{T}.Get"/>).
    /// </summary>
    internal long Revision => Volatile.Read(ref _revision);

    /// <summary>One checked write (see <see cref="ApplyChecked(IEnumerable{EntityWrite})"/>), without a collection around it.</summary>
    internal bool ApplyChecked(string entity, string id, ReadOnlyMemory<byte>? json)
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        ReactiveRuntime.StartBatch();
        try
        {
            return Write(entity, id, json);
        }
        finally
        {
            EndOperation();   // listeners (live queries) catch up on the changed id before effects run
        }
    }

    /// <summary>
    /// <see cref="Apply(IEnumerable{EntityWrite})"/> for writes whose names and JSON were checked already and whose
    /// bytes nobody will ever change: the store keeps them as they are.
    /// </summary>
    internal int ApplyChecked(IEnumerable<EntityWrite> writes)
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        ReactiveRuntime.StartBatch();
        try
        {
            var changed = 0;
            foreach (var write in writes)
            {
                changed += Write(write.Entity, write.Id, write.Json) ? 1 : 0;
            }

            return changed;
        }
        finally
        {
            EndOperation();
        }
    }

    /// <summary>Replaces the whole contents with <paramref name="snapshot"/>, as one change.</summary>
    /// <param name="snapshot">The new contents.</param>
    /// <returns>The number of entities whose stored value changed.</returns>
    /// <exception cref="ArgumentException">The snapshot holds a value that is not valid JSON. Nothing is applied.</exception>
    public int Load(StoreSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        foreach (var (_, ids) in snapshot.Entities)
        {
            foreach (var (_, json) in ids)
            {
                Utf8JsonValidator.ThrowIfInvalid(json.Span, nameof(snapshot));
            }
        }

        return Replace(snapshot.Entities.SelectMany(t => t.Value.Select(e => (t.Key, e.Key, e.Value))));
    }

    /// <summary>
    /// Replaces the whole contents with <paramref name="entities"/> (a later duplicate wins), as one change,
    /// sharing the values: only for bytes that were checked already and that nobody will ever change.
    /// </summary>
    /// <returns>The number of entities whose stored value changed.</returns>
    internal int Replace(IEnumerable<(string Entity, string Id, ReadOnlyMemory<byte> Json)> entities)
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        ReactiveRuntime.StartBatch();
        try
        {
            // Every slot written now carries this load's mark; afterwards, the ones without it are deleted.
            var mark = ++_loads;
            var changed = 0;
            EntityTable? table = null;
            string? tableName = null;
            foreach (var (entity, id, json) in entities)
            {
                if (!string.Equals(entity, tableName, StringComparison.Ordinal))
                {
                    table = Table(entity, create: true)!;
                    tableName = entity;
                }

                changed += Write(table!, id, json, out var slot) ? 1 : 0;
                slot!.Loaded = mark;
            }

            foreach (var (_, each) in _tables)
            {
                if (each.Count == 0)
                {
                    continue;
                }

                var stale = new List<string>();
                foreach (var (id, slot) in each.Slots)
                {
                    if (slot.Value is not null && slot.Loaded != mark)
                    {
                        stale.Add(id);
                    }
                }

                foreach (var id in stale)
                {
                    changed += Write(each, id, null, out _) ? 1 : 0;
                }
            }

            return changed;
        }
        finally
        {
            EndOperation();
        }
    }

    /// <summary>Deletes every entity, as one change.</summary>
    public void Clear() => Load(StoreSnapshot.Empty);

    /// <summary>Copies the whole contents. Later writes do not affect the copy. Not tracked.</summary>
    /// <returns>The snapshot.</returns>
    public StoreSnapshot Snapshot()
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        return StoreSnapshot.FromImmutable(_tables
            .Where(t => t.Value.Count > 0)
            .Select(t => KeyValuePair.Create(t.Key, t.Value.Slots
                .Where(s => s.Value.Value is not null)
                .Select(s => KeyValuePair.Create(s.Key, (ReadOnlyMemory<byte>)s.Value.Value!)))));
    }

    /// <summary>How many slots (entities plus observed missing ids) a type holds, for tests and diagnostics.</summary>
    internal int SlotCount(string entity)
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        return _tables.TryGetValue(entity, out var table) ? table.Slots.Count : 0;
    }

    /// <summary>Stores (or deletes, when <paramref name="json"/> is null) one entity and marks what observes it. Caller holds the gate, in a batch.</summary>
    private bool Write(string entity, string id, ReadOnlyMemory<byte>? json)
    {
        var table = Table(entity, create: json is not null);
        return table is not null && Write(table, id, json, out _);
    }

    /// <summary>Stores or deletes one entity of <paramref name="table"/>; <paramref name="slot"/> is its slot (null when a missing id stays missing).</summary>
    private bool Write(EntityTable table, string id, ReadOnlyMemory<byte>? json, out Slot? slot)
    {
        table.Slots.TryGetValue(id, out slot);
        var old = slot?.Value;
        if (json is null ? old is null : old is not null && json.Value.Span.SequenceEqual(old.Value.Span))
        {
            return false;
        }

        if (slot is null)
        {
            slot = new Slot();
            table.Slots.Add(id, slot);
        }

        slot.Value = json;
        // Published with a full fence: a handle's lock-free check must never see the old revision with the new value around.
        slot.Revision = Interlocked.Increment(ref _revision);
        slot.Version?.Set(slot.Revision);
        if ((old is null) != (json is null))
        {
            table.Count += json is null ? -1 : 1;
            table.InvalidateIds();
            table.Membership?.Set(_revision);
        }

        table.Contents?.Set(_revision);
        table.RecordChange(id, this);
        if (json is null && slot.Version is not { Targets: not null })
        {
            table.Slots.Remove(id);
        }

        return true;
    }

    /// <summary>Finds the slot and, when an observer is running, subscribes it (creating a slot for a missing id so its creation is seen).</summary>
    private Slot? Track(string entity, string id)
    {
        var observing = ReactiveRuntime.Observer is not null;
        var table = Table(entity, observing);
        if (table is null)
        {
            return null;
        }

        if (!table.Slots.TryGetValue(id, out var slot))
        {
            if (!observing)
            {
                return null;
            }

            table.SweepUnobservedEmptySlots();
            slot = new Slot();
            table.Slots.Add(id, slot);
        }

        if (observing)
        {
            (slot.Version ??= new Signal<long>(slot.Revision)).Get();
        }

        return slot;
    }

    private EntityTable? TrackMembership(string entity)
    {
        var observing = ReactiveRuntime.Observer is not null;
        var table = Table(entity, observing);
        if (observing)
        {
            (table!.Membership ??= new Signal<long>(0)).Get();
        }

        return table;
    }

    private EntityTable? Table(string entity, bool create)
    {
        if (!_tables.TryGetValue(entity, out var table) && create)
        {
            table = new EntityTable();
            _tables.Add(entity, table);
        }

        return table;
    }

    /// <summary>One entity's cell. <see cref="Version"/> exists only once someone observed it.</summary>
    private sealed class Slot
    {
        public ReadOnlyMemory<byte>? Value;
        public long Revision;
        public Signal<long>? Version;

        /// <summary>The last <see cref="Replace"/> that wrote this slot.</summary>
        public long Loaded;
    }

    /// <summary>The entities of one type, with the signals of its membership and contents (created when first observed).</summary>
    private sealed partial class EntityTable
    {
        public readonly Dictionary<string, Slot> Slots = new(StringComparer.Ordinal);
        public int Count;
        public Signal<long>? Membership;
        public Signal<long>? Contents;
        private string[]? _sortedIds;
        private System.Collections.ObjectModel.ReadOnlyCollection<string>? _sortedIdsView;
        private int _emptySlotsCreated;

        public string[] SortedIds() =>
            _sortedIds ??= [.. Slots.Where(s => s.Value.Value is not null).Select(s => s.Key).Order(StringComparer.Ordinal)];

        /// <summary>The cached ids behind a read-only wrapper, cached with them: callers cannot cast it back to the array and write.</summary>
        public System.Collections.ObjectModel.ReadOnlyCollection<string> SortedIdsView() =>
            _sortedIdsView is { } view && _sortedIds is not null ? view : _sortedIdsView = Array.AsReadOnly(SortedIds());

        public void InvalidateIds()
        {
            _sortedIds = null;
            _sortedIdsView = null;
        }

        /// <summary>Drops slots of missing ids that nobody observes any more, so observing absent ids cannot grow memory without bound.</summary>
        public void SweepUnobservedEmptySlots()
        {
            if (++_emptySlotsCreated < Math.Max(1024, Count))
            {
                return;
            }

            _emptySlotsCreated = 0;
            foreach (var (id, slot) in Slots.Where(s => s.Value.Value is null && s.Value.Version is not { Targets: not null }).ToList())
            {
                // An unobserved computed may still link to this slot's signal without being subscribed to it.
                // Moving the signal's version makes such a computed recompute on its next read, and read the
                // id again through a new slot, instead of trusting a signal that no write will ever move.
                if (slot.Version is { } version)
                {
                    version.Version++;
                    ReactiveRuntime.GlobalVersion++;
                }

                Slots.Remove(id);
            }
        }
    }
}
