namespace ViewSync.Queries;

/// <summary>The total order of a live query: its sort keys in turn, then the id (ordinal), so no two rows tie.</summary>
/// <typeparam name="T">The entity type.</typeparam>
internal sealed class QueryOrder<T>
    where T : class
{
    public static readonly QueryOrder<T> ById = new([]);

    private readonly SortKey<T>[] _keys;

    public QueryOrder(SortKey<T>[] keys)
    {
        _keys = keys;
        CompareNodes = (a, b) => Compare(a.Item, a.Id, b.Item, b.Id);
    }

    /// <summary>The order of two rows, as a cached comparer for sorting.</summary>
    public Comparison<OrderedTree<T>.Node> CompareNodes { get; }

    public IReadOnlyList<SortKey<T>> Keys => _keys;

    /// <summary>Sorts rows into this order (building a query: the one sort of the whole set).</summary>
    public void Sort(OrderedTree<T>.Node[] rows)
    {
        if (_keys.Length == 1)
        {
            _keys[0].Sort(rows);   // the common case: each key selected once
        }
        else
        {
            Array.Sort(rows, CompareNodes);
        }
    }

    public QueryOrder<T> Then(SortKey<T> key) => new([.. _keys, key]);

    public int Compare(T x, string xId, T y, string yId)
    {
        foreach (var key in _keys)
        {
            var c = key.Compare(x, y);
            if (c != 0)
            {
                return c;
            }
        }

        return string.CompareOrdinal(xId, yId);
    }
}
