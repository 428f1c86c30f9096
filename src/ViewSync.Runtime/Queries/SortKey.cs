namespace ViewSync.Queries;

/// <summary>One sort key of a live query.</summary>
/// <typeparam name="T">The entity type.</typeparam>
internal abstract class SortKey<T>
    where T : class
{
    public abstract int Compare(T x, T y);

    /// <summary>
    /// Sorts many rows by this key alone (then id): each row's key is selected once, not twice per comparison,
    /// and the keys are compared through their own comparer without a delegate per comparison.
    /// </summary>
    public abstract void Sort(OrderedTree<T>.Node[] rows);
}

/// <summary>A sort key selected from the entity and compared with a comparer, ascending or descending.</summary>
/// <typeparam name="T">The entity type.</typeparam>
/// <typeparam name="TKey">The key type.</typeparam>
internal sealed class SortKey<T, TKey>(Func<T, TKey> selector, IComparer<TKey> comparer, bool descending) : SortKey<T>
    where T : class
{
    public override int Compare(T x, T y)
    {
        var c = comparer.Compare(selector(x), selector(y));
        return descending ? -c : c;
    }

    public override void Sort(OrderedTree<T>.Node[] rows)
    {
        var keys = new (TKey Key, string Id)[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            keys[i] = (selector(rows[i].Item), rows[i].Id);
        }

        Array.Sort(keys, rows, new KeyThenId(comparer, descending));
    }

    private sealed class KeyThenId(IComparer<TKey> comparer, bool descending) : IComparer<(TKey Key, string Id)>
    {
        public int Compare((TKey Key, string Id) x, (TKey Key, string Id) y)
        {
            var c = comparer.Compare(x.Key, y.Key);
            return c != 0 ? (descending ? -c : c) : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
