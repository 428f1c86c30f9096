using ViewSync.Mutators;
using ViewSync.Store;

namespace ViewSync;

/// <summary>
/// The state the server confirmed: an immutable <see cref="ConfirmedImage"/> plus one mutable delta on top
/// that pages write into. A page costs O(k) for k changes, whatever the size of the store; <see cref="Image"/>
/// freezes the delta and hands out a consistent image in O(1), so the journal can write a compacted file
/// from it in the background while pages keep arriving.
/// </summary>
/// <remarks>Not thread-safe: the <see cref="Replica"/> guards it. An image is immutable and may be read anywhere.</remarks>
internal sealed class ConfirmedState : IEntityReader
{
    /// <summary>Beyond this many frozen deltas, freezing folds them into one, so a lookup stays a few probes.</summary>
    private const int MaxDeltas = 8;

    private readonly Dictionary<string, string[]> _sortedIds = new(StringComparer.Ordinal);
    private ConfirmedImage _frozen = ConfirmedImage.Empty;
    private Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> _top = NewMap();

    /// <summary>The current state as an immutable image (freezes the changes made since the last call).</summary>
    public ConfirmedImage Image
    {
        get
        {
            AdoptFlattened();
            if (_top.Count > 0)
            {
                var deltas = _frozen.Deltas.Add(_top);
                if (deltas.Length > MaxDeltas)
                {
                    // Folding the deltas keeps the base: O(changes), not O(store).
                    deltas = [Fold(deltas)];
                }

                _frozen = new ConfirmedImage(_frozen.Base, deltas);
                _top = NewMap();
            }

            return _frozen;
        }
    }

    public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
    {
        if (_top.TryGetValue(entity, out var changes) && changes.TryGetValue(id, out json))
        {
            if (ConfirmedImage.IsDeleted(json))
            {
                json = default;
                return false;
            }

            return true;
        }

        return _frozen.TryGet(entity, id, out json);
    }

    public IReadOnlyList<string> Ids(string entity)
    {
        if (_sortedIds.TryGetValue(entity, out var cached))
        {
            return cached;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (_frozen.Base.TryGetValue(entity, out var baseIds))
        {
            ids.UnionWith(baseIds.Keys);
        }

        foreach (var delta in _frozen.Deltas.Append(_top))
        {
            if (delta.TryGetValue(entity, out var changes))
            {
                foreach (var (id, json) in changes)
                {
                    if (ConfirmedImage.IsDeleted(json))
                    {
                        ids.Remove(id);
                    }
                    else
                    {
                        ids.Add(id);
                    }
                }
            }
        }

        var sorted = ids.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        _sortedIds[entity] = sorted;
        return sorted;
    }

    /// <summary>Every entity, each once with its current value (for rebuilding the visible store).</summary>
    public IEnumerable<(string Entity, string Id, ReadOnlyMemory<byte> Json)> Entries()
    {
        var image = Image.Flatten();
        foreach (var (entity, ids) in image.Base)
        {
            foreach (var (id, json) in ids)
            {
                yield return (entity, id, json);
            }
        }
    }

    /// <summary>Applies writes in order; values must be bytes nobody will change (the state keeps them).</summary>
    public void Apply(IEnumerable<EntityWrite> writes)
    {
        AdoptFlattened();
        foreach (var write in writes)
        {
            if (!_top.TryGetValue(write.Entity, out var changes))
            {
                _top[write.Entity] = changes = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
            }

            if (_sortedIds.Count > 0 && TryGet(write.Entity, write.Id, out _) != write.Json.HasValue)
            {
                _sortedIds.Remove(write.Entity);
            }

            changes[write.Id] = write.Json ?? ConfirmedImage.Deleted;
        }
    }

    /// <summary>Replaces everything.</summary>
    public void Load(ConfirmedImage image)
    {
        _frozen = image;
        _top = NewMap();
        _sortedIds.Clear();
    }

    private static Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> NewMap() => new(StringComparer.Ordinal);

    /// <summary>
    /// Once compaction has flattened the current image (the one <see cref="Image"/> last handed out: only that getter and
    /// <see cref="Load"/> replace it), uses its base and drops the deltas it folded.
    /// </summary>
    private void AdoptFlattened()
    {
        if (!_frozen.Deltas.IsEmpty && _frozen.FlattenedIfReady is { } flat)
        {
            _frozen = flat;
        }
    }

    /// <summary>Several deltas as one (later changes win).</summary>
    private static Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> Fold(IEnumerable<Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>>> deltas)
    {
        var folded = NewMap();
        foreach (var delta in deltas)
        {
            foreach (var (entity, changes) in delta)
            {
                if (!folded.TryGetValue(entity, out var into))
                {
                    folded[entity] = into = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
                }

                foreach (var (id, json) in changes)
                {
                    into[id] = json;
                }
            }
        }

        return folded;
    }
}
