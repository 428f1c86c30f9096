using ViewSync.Store;

namespace ViewSync.Queries;

/// <summary>Where a live query's candidate rows come from: every entity of a type, or one key of an equality index.</summary>
/// <typeparam name="T">The entity type.</typeparam>
internal interface IQuerySource<T>
    where T : class
{
    /// <summary>Starts telling <paramref name="engine"/> which ids changed (caller holds the gate).</summary>
    void Attach(QueryEngine<T> engine);

    /// <summary>Stops telling <paramref name="engine"/> (caller holds the gate).</summary>
    void Detach(QueryEngine<T> engine);

    /// <summary>Adds every current candidate to <paramref name="into"/> (caller holds the gate).</summary>
    void Scan(List<StoreEntry> into);

    /// <summary>Whether a decoded entity belongs to this source (an index key matches; always true for a whole type).</summary>
    bool Admits(T item);
}
