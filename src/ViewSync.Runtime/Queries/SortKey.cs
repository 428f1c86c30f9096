namespace ViewSync.Queries;

/// <summary>One sort key of a live query.</summary>
/// <typeparam name="T">The entity type.</typeparam>
internal abstract class SortKey<T>
{
    public abstract int Compare(T x, T y);
}

/// <summary>A sort key selected from the entity and compared with a comparer, ascending or descending.</summary>
/// <typeparam name="T">The entity type.</typeparam>
/// <typeparam name="TKey">The key type.</typeparam>
internal sealed class SortKey<T, TKey>(Func<T, TKey> selector, IComparer<TKey> comparer, bool descending) : SortKey<T>
{
    public override int Compare(T x, T y)
    {
        var c = comparer.Compare(selector(x), selector(y));
        return descending ? -c : c;
    }
}
