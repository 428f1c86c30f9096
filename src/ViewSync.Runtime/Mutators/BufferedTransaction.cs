using ViewSync.Store;

namespace ViewSync.Mutators;

/// <summary>
/// A transaction that reads through to a state and keeps its own writes aside until the caller
/// takes them. A mutator that throws therefore leaves nothing behind: drop the transaction.
/// </summary>
/// <remarks>Not thread-safe: one mutation runs against one transaction on one thread.</remarks>
public sealed class BufferedTransaction : IMutationTransaction
{
    private readonly IEntityReader _state;
    private readonly Dictionary<(string Entity, string Id), byte[]?> _overlay = [];
    private readonly List<(string Entity, string Id)> _order = [];

    /// <summary>Creates a transaction over <paramref name="state"/>.</summary>
    /// <param name="state">What reads see, beneath this transaction's own writes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    public BufferedTransaction(IEntityReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _state = state;
    }

    /// <summary>Whether the transaction has written anything.</summary>
    public bool HasWrites => _order.Count > 0;

    /// <summary>The final write of each entity touched, in the order each was first written.</summary>
    public IReadOnlyList<EntityWrite> Writes
    {
        get
        {
            var writes = new List<EntityWrite>(_order.Count);
            foreach (var key in _order)
            {
                var json = _overlay[key];
                // Spelled out: a null byte[] would silently convert to an empty, non-null ReadOnlyMemory.
                writes.Add(new EntityWrite(key.Entity, key.Id, json is null ? (ReadOnlyMemory<byte>?)null : json));
            }

            return writes;
        }
    }

    /// <inheritdoc />
    public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
    {
        EntityNames.Validate(entity, id);
        if (_overlay.TryGetValue((entity, id), out var written))
        {
            json = written;
            return written is not null;
        }

        return _state.TryGet(entity, id, out json);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Ids(string entity)
    {
        EntityNames.Validate(entity);
        var ids = new SortedSet<string>(_state.Ids(entity), StringComparer.Ordinal);
        foreach (var ((writtenEntity, id), json) in _overlay)
        {
            if (writtenEntity != entity)
            {
                continue;
            }

            if (json is null)
            {
                ids.Remove(id);
            }
            else
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="json"/> is not one complete JSON value.</exception>
    public void Put(string entity, string id, ReadOnlySpan<byte> json)
    {
        EntityNames.Validate(entity, id);
        Utf8JsonValidator.ThrowIfInvalid(json, nameof(json));
        Record((entity, id), json.ToArray());
    }

    /// <inheritdoc />
    public void Delete(string entity, string id)
    {
        EntityNames.Validate(entity, id);
        Record((entity, id), null);
    }

    /// <summary>Forgets every write, so the transaction can be reused for the next mutation.</summary>
    public void Reset()
    {
        _overlay.Clear();
        _order.Clear();
    }

    private void Record((string Entity, string Id) key, byte[]? json)
    {
        if (!_overlay.ContainsKey(key))
        {
            _order.Add(key);
        }

        _overlay[key] = json;
    }
}
