using ViewSync.Queries;
using ViewSync.Store;

namespace ViewSync;

/// <summary>
/// An equality index over one property of an entity type (declared with <c>[SyncIndex]</c>, which generates a typed
/// lookup such as <c>db.Todos.ByListId(id)</c>): key → the ids that hold it, maintained from the store's changed ids.
/// A lookup is a live query that only ever sees the rows of its key, so a change to another key's rows costs it nothing.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
/// <typeparam name="TKey">The indexed property's type; compared with <see cref="EqualityComparer{T}.Default"/>.</typeparam>
/// <remarks>Built on the first lookup (one pass over the type), then kept up to date. Entities whose key is null are not indexed. Thread-safe.</remarks>
public sealed class EntityIndex<T, TKey> : IStoreChangeListener
    where T : class
    where TKey : notnull
{
    private readonly EntityCollection<T> _collection;
    private readonly Func<T, TKey> _key;
    private readonly Dictionary<string, TKey> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<TKey, Bucket> _buckets = [];
    private readonly Dictionary<QueryEngine<T>, List<string>> _touched = new(ReferenceEqualityComparer.Instance);
    private bool _built;

    internal EntityIndex(EntityCollection<T> collection, string name, Func<T, TKey> key)
    {
        _collection = collection;
        Name = name;
        _key = key;
    }

    /// <summary>The index's name, e.g. <c>todo.ListId</c>.</summary>
    public string Name { get; }

    /// <summary>A live query of the entities whose indexed property equals <paramref name="key"/>, in id order; narrow, order and window it further like any query.</summary>
    /// <param name="key">The key to look up.</param>
    /// <returns>The query (built on first read, from this key's rows only).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null: null keys are not indexed.</exception>
    public LiveQuery<T> Lookup(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new LiveQuery<T>(_collection, new IndexSource(this, key), null, QueryOrder<T>.ById, 0, int.MaxValue);
    }

    /// <inheritdoc />
    void IStoreChangeListener.OnChanged(IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            var had = _keys.TryGetValue(id, out var before);
            var has = false;
            TKey? after = default;
            if (_collection.Store.TryPeek(_collection.Type.Name, id, out var entry))
            {
                after = _key(_collection.Decode(entry));
                has = after is not null;
            }

            if (had && has && EqualityComparer<TKey>.Default.Equals(before, after))
            {
                Touch(before!, id);
                continue;
            }

            if (had)
            {
                _keys.Remove(id);
                var bucket = _buckets[before!];
                bucket.Ids.Remove(id);
                Touch(before!, id);
                DropIfUnused(before!, bucket);
            }

            if (has)
            {
                _keys.Add(id, after!);
                BucketOf(after!).Ids.Add(id);
                Touch(after!, id);
            }
        }

        if (_touched.Count == 0)
        {
            return;
        }

        var touched = _touched.ToArray();
        _touched.Clear();
        foreach (var (engine, changed) in touched)
        {
            engine.OnChanged(changed);
        }
    }

    /// <summary>Fills the index from the store and starts listening. Caller holds the gate.</summary>
    private void EnsureBuilt()
    {
        if (_built)
        {
            return;
        }

        var entries = new List<StoreEntry>();
        _collection.Store.PeekAll(_collection.Type.Name, entries);
        foreach (var entry in entries)
        {
            if (_key(_collection.Decode(entry)) is { } key)
            {
                _keys.Add(entry.Id, key);
                BucketOf(key).Ids.Add(entry.Id);
            }
        }

        _collection.Store.AddListener(_collection.Type.Name, this);
        _built = true;
    }

    private Bucket BucketOf(TKey key)
    {
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            bucket = new Bucket();
            _buckets.Add(key, bucket);
        }

        return bucket;
    }

    private void DropIfUnused(TKey key, Bucket bucket)
    {
        if (bucket.Ids.Count == 0 && bucket.Engines.Count == 0)
        {
            _buckets.Remove(key);
        }
    }

    /// <summary>Notes that the queries of <paramref name="key"/> must re-test <paramref name="id"/>.</summary>
    private void Touch(TKey key, string id)
    {
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            return;
        }

        for (var i = 0; i < bucket.Engines.Count; i++)
        {
            if (!bucket.Engines[i].TryGetTarget(out var engine))
            {
                bucket.Engines.RemoveAt(i--);
                continue;
            }

            if (!_touched.TryGetValue(engine, out var changed))
            {
                changed = [];
                _touched.Add(engine, changed);
            }

            changed.Add(id);
        }
    }

    /// <summary>The ids holding one key, and the live queries of that key (held weakly).</summary>
    private sealed class Bucket
    {
        public readonly HashSet<string> Ids = new(StringComparer.Ordinal);
        public readonly List<WeakReference<QueryEngine<T>>> Engines = [];
    }

    /// <summary>The rows of one key, as a query's source.</summary>
    private sealed class IndexSource(EntityIndex<T, TKey> index, TKey key) : IQuerySource<T>
    {
        public void Attach(QueryEngine<T> engine)
        {
            index.EnsureBuilt();
            index.BucketOf(key).Engines.Add(new WeakReference<QueryEngine<T>>(engine));
        }

        public void Detach(QueryEngine<T> engine)
        {
            if (index._buckets.TryGetValue(key, out var bucket))
            {
                bucket.Engines.RemoveAll(e => !e.TryGetTarget(out var target) || ReferenceEquals(target, engine));
                index.DropIfUnused(key, bucket);
            }
        }

        public void Scan(List<StoreEntry> into)
        {
            index.EnsureBuilt();
            if (!index._buckets.TryGetValue(key, out var bucket))
            {
                return;
            }

            foreach (var id in bucket.Ids)
            {
                if (index._collection.Store.TryPeek(index._collection.Type.Name, id, out var entry))
                {
                    into.Add(entry);
                }
            }
        }

        public bool Admits(T item) => EqualityComparer<TKey>.Default.Equals(index._key(item), key);
    }
}
