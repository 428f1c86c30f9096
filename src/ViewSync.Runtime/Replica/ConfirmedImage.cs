using System.Collections.Immutable;
using ViewSync.Store;

namespace ViewSync;

/// <summary>
/// An immutable confirmed state: a base map (entity name → id → JSON) with deltas over it, oldest first, in
/// which <see cref="Deleted"/> marks a removed entity. Nothing in an image ever changes, so it can be read on
/// any thread while the live state moves on (compaction writes one in the background).
/// </summary>
/// <remarks>
/// Layers make the two costs that matter small: loading a journal or a snapshot makes its map the base as it
/// is (no sorting, no copy), and taking an image for compaction is O(1). <see cref="Flatten"/> folds the deltas
/// into a new base off the lock; <see cref="ConfirmedState"/> adopts that base once it is ready.
/// </remarks>
internal sealed class ConfirmedImage
{
    /// <summary>Marks a deletion in a delta (compared by reference, never stored in a base).</summary>
    public static readonly ReadOnlyMemory<byte> Deleted = new byte[1];

    private ConfirmedImage? _flattened;

    public ConfirmedImage(Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> @base, ImmutableArray<Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>>> deltas)
    {
        Base = @base;
        Deltas = deltas;
    }

    public ConfirmedImage(Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> @base)
        : this(@base, [])
    {
    }

    public static ConfirmedImage Empty { get; } = new(new Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>>(StringComparer.Ordinal));

    /// <summary>Entity name → id → JSON, without deletion marks.</summary>
    public Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> Base { get; }

    /// <summary>Changes over <see cref="Base"/>, oldest first.</summary>
    public ImmutableArray<Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>>> Deltas { get; }

    /// <summary>The same state as one base (this image when it has no deltas), computed once; safe on any thread.</summary>
    public ConfirmedImage Flatten()
    {
        if (Deltas.IsEmpty)
        {
            return this;
        }

        if (Volatile.Read(ref _flattened) is { } done)
        {
            return done;
        }

        var types = new Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>>(Base.Count, StringComparer.Ordinal);
        foreach (var (entity, ids) in Base)
        {
            types[entity] = new Dictionary<string, ReadOnlyMemory<byte>>(ids, StringComparer.Ordinal);
        }

        foreach (var delta in Deltas)
        {
            foreach (var (entity, changes) in delta)
            {
                if (!types.TryGetValue(entity, out var ids))
                {
                    types[entity] = ids = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
                }

                foreach (var (id, json) in changes)
                {
                    if (IsDeleted(json))
                    {
                        ids.Remove(id);
                    }
                    else
                    {
                        ids[id] = json;
                    }
                }
            }
        }

        foreach (var (entity, ids) in types)
        {
            if (ids.Count == 0)
            {
                types.Remove(entity);
            }
        }

        var flat = new ConfirmedImage(types);
        return Interlocked.CompareExchange(ref _flattened, flat, null) ?? flat;
    }

    /// <summary>The flattened image if <see cref="Flatten"/> has finished, else null.</summary>
    public ConfirmedImage? FlattenedIfReady => Deltas.IsEmpty ? this : Volatile.Read(ref _flattened);

    public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
    {
        for (var i = Deltas.Length - 1; i >= 0; i--)
        {
            if (Deltas[i].TryGetValue(entity, out var changes) && changes.TryGetValue(id, out json))
            {
                if (IsDeleted(json))
                {
                    json = default;
                    return false;
                }

                return true;
            }
        }

        if (Base.TryGetValue(entity, out var ids) && ids.TryGetValue(id, out json))
        {
            return true;
        }

        json = default;
        return false;
    }

    public StoreSnapshot ToSnapshot() =>
        StoreSnapshot.FromImmutable(Flatten().Base.Select(t => new KeyValuePair<string, IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>>>(t.Key, t.Value)));

    public static bool IsDeleted(ReadOnlyMemory<byte> json) => json.Equals(Deleted);
}
