using ViewSync.Queries;

namespace ViewSync;

/// <summary>A live query with an order, to which further keys can be added (<see cref="ThenBy{TKey}"/>, <see cref="ThenByDescending{TKey}"/>).</summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class OrderedLiveQuery<T> : LiveQuery<T>
    where T : class
{
    internal OrderedLiveQuery(EntityCollection<T> collection, IQuerySource<T> source, Func<T, bool>? filter, QueryOrder<T> order)
        : base(collection, source, filter, order, 0, int.MaxValue)
    {
    }

    /// <summary>Orders rows that tie on the keys so far by <paramref name="key"/>, ascending.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="key">Selects the sort key: a pure function of the entity.</param>
    /// <param name="comparer">Compares keys; <see cref="Comparer{T}.Default"/> when null.</param>
    /// <returns>The query with one more key.</returns>
    public OrderedLiveQuery<T> ThenBy<TKey>(Func<T, TKey> key, IComparer<TKey>? comparer = null) => Then(key, comparer, descending: false);

    /// <summary>Orders rows that tie on the keys so far by <paramref name="key"/>, descending.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="key">Selects the sort key: a pure function of the entity.</param>
    /// <param name="comparer">Compares keys; <see cref="Comparer{T}.Default"/> when null.</param>
    /// <returns>The query with one more key.</returns>
    public OrderedLiveQuery<T> ThenByDescending<TKey>(Func<T, TKey> key, IComparer<TKey>? comparer = null) => Then(key, comparer, descending: true);

    private OrderedLiveQuery<T> Then<TKey>(Func<T, TKey> key, IComparer<TKey>? comparer, bool descending)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (collection, source, filter) = Parts;
        return new OrderedLiveQuery<T>(collection, source, filter, Order.Then(new SortKey<T, TKey>(key, comparer ?? Comparer<TKey>.Default, descending)));
    }
}
