using System.Collections.Frozen;

namespace ViewSync.Store;

/// <summary>
/// An immutable copy of a store's contents: entity name → id → the entity's JSON as UTF-8 bytes.
/// </summary>
/// <remarks>
/// A snapshot owns its bytes: building one copies its input, and <see cref="Entities"/> hands out
/// read-only views, so neither the store nor a caller can change a snapshot after the fact.
/// </remarks>
public sealed class StoreSnapshot
{
    /// <summary>A snapshot that holds no entities.</summary>
    public static StoreSnapshot Empty { get; } = new(FrozenDictionary<string, FrozenDictionary<string, ReadOnlyMemory<byte>>>.Empty, 0);

    private readonly FrozenDictionary<string, FrozenDictionary<string, ReadOnlyMemory<byte>>> _entities;

    private StoreSnapshot(FrozenDictionary<string, FrozenDictionary<string, ReadOnlyMemory<byte>>> entities, int count)
    {
        _entities = entities;
        Count = count;
    }

    /// <summary>Entity name → id → JSON value (UTF-8). Entity types with no entities are left out.</summary>
    public IReadOnlyDictionary<string, FrozenDictionary<string, ReadOnlyMemory<byte>>> Entities => _entities;

    /// <summary>The number of entities across all types.</summary>
    public int Count { get; }

    /// <summary>Looks up one entity's JSON value.</summary>
    /// <param name="entity">The entity name, for example <c>todo</c>.</param>
    /// <param name="id">The entity's id.</param>
    /// <param name="json">The entity's JSON value when found.</param>
    /// <returns><see langword="true"/> when the snapshot holds the entity.</returns>
    public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(id);
        if (_entities.TryGetValue(entity, out var ids) && ids.TryGetValue(id, out json))
        {
            return true;
        }

        json = default;
        return false;
    }

    /// <summary>Builds a snapshot from entity name → id → JSON, copying every value.</summary>
    /// <param name="entities">The data to copy. Values must be UTF-8 JSON.</param>
    /// <returns>A snapshot that shares no memory with <paramref name="entities"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entities"/> or one of its names, ids or maps is null.</exception>
    public static StoreSnapshot Create(IEnumerable<KeyValuePair<string, IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>>>> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var builder = new Builder();
        foreach (var (entity, ids) in entities)
        {
            ArgumentNullException.ThrowIfNull(ids, nameof(entities));
            foreach (var (id, json) in ids)
            {
                builder.Add(entity, id, json.Span);
            }
        }

        return builder.Build();
    }

    /// <summary>Builds a snapshot that shares <paramref name="entities"/>' values: only for bytes nobody will ever change.</summary>
    internal static StoreSnapshot FromImmutable(IEnumerable<KeyValuePair<string, IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>>>> entities)
    {
        var count = 0;
        var frozen = new Dictionary<string, FrozenDictionary<string, ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
        foreach (var (entity, ids) in entities)
        {
            var table = ids.ToFrozenDictionary(StringComparer.Ordinal);
            if (table.Count > 0)
            {
                frozen.Add(entity, table);
                count += table.Count;
            }
        }

        return new StoreSnapshot(frozen.ToFrozenDictionary(StringComparer.Ordinal), count);
    }

    /// <summary>Accumulates entities and freezes them into a <see cref="StoreSnapshot"/>.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> _entities = new(StringComparer.Ordinal);

        /// <summary>Adds (or replaces) one entity, copying <paramref name="json"/>.</summary>
        /// <param name="entity">The entity name.</param>
        /// <param name="id">The entity's id.</param>
        /// <param name="json">The entity's JSON value (UTF-8).</param>
        /// <returns>This builder.</returns>
        public Builder Add(string entity, string id, ReadOnlySpan<byte> json)
        {
            ArgumentNullException.ThrowIfNull(entity);
            ArgumentNullException.ThrowIfNull(id);
            if (!_entities.TryGetValue(entity, out var ids))
            {
                ids = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
                _entities.Add(entity, ids);
            }

            ids[id] = json.ToArray();
            return this;
        }

        /// <summary>Freezes what was added into a snapshot. The builder can be reused afterwards.</summary>
        /// <returns>The snapshot.</returns>
        public StoreSnapshot Build()
        {
            var count = 0;
            var frozen = new Dictionary<string, FrozenDictionary<string, ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
            foreach (var (entity, ids) in _entities)
            {
                if (ids.Count == 0)
                {
                    continue;
                }

                frozen.Add(entity, ids.ToFrozenDictionary(StringComparer.Ordinal));
                count += ids.Count;
            }

            return new StoreSnapshot(frozen.ToFrozenDictionary(StringComparer.Ordinal), count);
        }
    }
}
