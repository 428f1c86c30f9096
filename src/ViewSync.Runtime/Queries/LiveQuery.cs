using System.Collections;
using ViewSync.Queries;

namespace ViewSync;

/// <summary>
/// A live query over one entity type (<c>db.Todos.Query().Where(t =&gt; !t.Done).OrderBy(t =&gt; t.Title).Take(50)</c>):
/// a read-only list that keeps itself up to date as the store changes.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
/// <remarks>
/// <para><b>Shape.</b> Each call returns a new query and leaves this one as it is. Filters (<see cref="Where"/>) and
/// the order (<see cref="OrderBy{TKey}"/>, then <see cref="OrderedLiveQuery{T}.ThenBy{TKey}"/>…) come first, the
/// window (<see cref="Skip"/>, <see cref="Take"/>) last. Rows that tie on every key are ordered by id (ordinal), so
/// the order is total and stable; without keys the rows are in id order.</para>
/// <para><b>Cost.</b> The result is built on first read (O(n log n) over the candidates) and then maintained from
/// the ids each store operation changed: each is re-tested and moved, inserted or removed in an ordered tree,
/// O(k log n) for k changed ids. A change that stays outside the filter costs a decode (cached per revision)
/// and the filter. A query built through an equality index (<c>db.Todos.ByListId(id)</c>) only ever sees the
/// rows of its key.</para>
/// <para><b>Reactivity.</b> Inside a <see cref="Computed{T}"/> or <see cref="Effect"/>, reading rows subscribes to
/// the result and <see cref="Count"/> to the row count only: they re-run only when that actually changed, never
/// for a write elsewhere in the type. <see cref="Changed"/> describes each change as steps at positions of the
/// result, which list views apply directly.</para>
/// <para><b>Lifetime.</b> The store holds a query weakly: one nobody references any more costs nothing. Dispose it
/// to stop its upkeep at once. Filters and sort keys must be pure functions of the entity; if one throws while a
/// change is applied, the query stops and every later read throws <see cref="InvalidOperationException"/>.</para>
/// <para><b>Threading.</b> Thread-safe: reads and upkeep run under the reactive graph's lock.</para>
/// </remarks>
public class LiveQuery<T> : IReadOnlyList<T>, IDisposable
    where T : class
{
    private readonly EntityCollection<T> _collection;
    private readonly IQuerySource<T> _source;
    private readonly Func<T, bool>? _filter;
    private readonly int _skip;
    private readonly int _take;
    private QueryEngine<T>? _engine;
    private bool _disposed;

    internal LiveQuery(EntityCollection<T> collection, IQuerySource<T> source, Func<T, bool>? filter, QueryOrder<T> order, int skip, int take)
    {
        _collection = collection;
        _source = source;
        _filter = filter;
        Order = order;
        _skip = skip;
        _take = take;
    }

    /// <summary>Raised after each store operation that changed the result, with the steps that turn the previous result into the new one.</summary>
    /// <remarks>
    /// Raised on the writing thread, under the reactive graph's lock, before effects run; a handler must not block on
    /// another thread that uses the graph. Adding a handler builds the result if it was not built yet. An exception
    /// from a handler is thrown from the write once every query has caught up.
    /// </remarks>
    public event EventHandler<QueryChangedEventArgs<T>>? Changed
    {
        add
        {
            using var scope = ReactiveRuntime.Gate.EnterScope();
            Engine().Changed += value;
        }

        remove
        {
            using var scope = ReactiveRuntime.Gate.EnterScope();
            if (_engine is not null)
            {
                _engine.Changed -= value;
            }
        }
    }

    /// <summary>The number of rows. Inside a computed or effect, re-runs it only when the count changes.</summary>
    public int Count
    {
        get
        {
            using var scope = ReactiveRuntime.Gate.EnterScope();
            var engine = Engine();
            engine.CountSignal.Get();
            engine.ThrowIfFaulted();
            return engine.WindowCount;
        }
    }

    internal QueryOrder<T> Order { get; }

    /// <summary>The row at <paramref name="index"/>. Inside a computed or effect, subscribes to the result.</summary>
    /// <param name="index">The position, from 0.</param>
    /// <returns>The entity.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the result.</exception>
    public T this[int index]
    {
        get
        {
            using var scope = ReactiveRuntime.Gate.EnterScope();
            return Tracked().At(index);
        }
    }

    /// <summary>Keeps the rows for which <paramref name="predicate"/> holds, too.</summary>
    /// <param name="predicate">A pure function of the entity.</param>
    /// <returns>The narrower query.</returns>
    /// <exception cref="InvalidOperationException">This query is windowed: filter before <see cref="Skip"/> and <see cref="Take"/>.</exception>
    public LiveQuery<T> Where(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ThrowIfWindowed(nameof(Where));
        var filter = _filter is { } first ? item => first(item) && predicate(item) : predicate;
        return new LiveQuery<T>(_collection, _source, filter, Order, _skip, _take);
    }

    /// <summary>Orders the rows by <paramref name="key"/>, ascending (replacing any order set before).</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="key">Selects the sort key: a pure function of the entity.</param>
    /// <param name="comparer">Compares keys; <see cref="Comparer{T}.Default"/> when null, as in LINQ.</param>
    /// <returns>The ordered query.</returns>
    /// <exception cref="InvalidOperationException">This query is windowed: order before <see cref="Skip"/> and <see cref="Take"/>.</exception>
    public OrderedLiveQuery<T> OrderBy<TKey>(Func<T, TKey> key, IComparer<TKey>? comparer = null) => Ordered(key, comparer, descending: false, nameof(OrderBy));

    /// <summary>Orders the rows by <paramref name="key"/>, descending (replacing any order set before).</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="key">Selects the sort key: a pure function of the entity.</param>
    /// <param name="comparer">Compares keys; <see cref="Comparer{T}.Default"/> when null, as in LINQ.</param>
    /// <returns>The ordered query.</returns>
    /// <exception cref="InvalidOperationException">This query is windowed: order before <see cref="Skip"/> and <see cref="Take"/>.</exception>
    public OrderedLiveQuery<T> OrderByDescending<TKey>(Func<T, TKey> key, IComparer<TKey>? comparer = null) => Ordered(key, comparer, descending: true, nameof(OrderByDescending));

    /// <summary>Leaves out the first <paramref name="count"/> rows (of what the window holds so far).</summary>
    /// <param name="count">How many rows to skip; 0 or less skips none.</param>
    /// <returns>The windowed query.</returns>
    public LiveQuery<T> Skip(int count)
    {
        count = Math.Max(0, count);
        var take = _take == int.MaxValue ? int.MaxValue : Math.Max(0, _take - count);
        return new LiveQuery<T>(_collection, _source, _filter, Order, (int)Math.Min(int.MaxValue, (long)_skip + count), take);
    }

    /// <summary>Keeps at most the first <paramref name="count"/> rows (of what the window holds so far).</summary>
    /// <param name="count">How many rows to keep; 0 or less keeps none.</param>
    /// <returns>The windowed query.</returns>
    public LiveQuery<T> Take(int count) =>
        new(_collection, _source, _filter, Order, _skip, Math.Min(_take, Math.Max(0, count)));

    /// <summary>The first row. Inside a computed or effect, subscribes to the result.</summary>
    /// <returns>The entity.</returns>
    /// <exception cref="InvalidOperationException">The result is empty.</exception>
    public T First() => FirstOrDefault() ?? throw new InvalidOperationException($"The query over {_collection.Type.Name} has no rows.");

    /// <summary>The first row, or null when the result is empty. Inside a computed or effect, subscribes to the result.</summary>
    /// <returns>The entity or null.</returns>
    public T? FirstOrDefault()
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var engine = Tracked();
        return engine.WindowCount == 0 ? null : engine.At(0);
    }

    /// <summary>The only row. Inside a computed or effect, subscribes to the result.</summary>
    /// <returns>The entity.</returns>
    /// <exception cref="InvalidOperationException">The result is empty or holds more than one row.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "LINQ's name for the operator, which .NET developers expect.")]
    public T Single() => SingleOrDefault() ?? throw new InvalidOperationException($"The query over {_collection.Type.Name} has no rows; Single needs exactly one.");

    /// <summary>The only row, or null when the result is empty. Inside a computed or effect, subscribes to the result.</summary>
    /// <returns>The entity or null.</returns>
    /// <exception cref="InvalidOperationException">The result holds more than one row.</exception>
    public T? SingleOrDefault()
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var engine = Tracked();
        return engine.WindowCount switch
        {
            0 => null,
            1 => engine.At(0),
            var n => throw new InvalidOperationException($"The query over {_collection.Type.Name} has {n} rows; Single needs exactly one."),
        };
    }

    /// <summary>The current rows as an immutable list (built once per change). Inside a computed or effect, subscribes to the result.</summary>
    /// <returns>The rows.</returns>
    public IReadOnlyList<T> Snapshot()
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        return Tracked().Snapshot();
    }

    /// <summary>Enumerates the current rows. Inside a computed or effect, subscribes to the result.</summary>
    /// <returns>An enumerator over a snapshot of the rows: later changes do not affect it.</returns>
    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stops keeping the result up to date and releases it; reading afterwards throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        _disposed = true;
        _engine?.Detach();
        _engine = null;
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"live query over {_collection.Type.Name}";

    /// <summary>The engine, subscribed to the result's version. Caller holds the gate.</summary>
    private QueryEngine<T> Tracked()
    {
        var engine = Engine();
        engine.Version.Get();
        engine.ThrowIfFaulted();
        return engine;
    }

    /// <summary>The engine, built on first use without subscribing the running observer to what the build reads. Caller holds the gate.</summary>
    private protected QueryEngine<T> Engine()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_engine is null)
        {
            using var untracked = ReactiveRuntime.SuspendTracking();
            _engine = new QueryEngine<T>(_collection, _source, _filter, Order, _skip, _take);
        }

        return _engine;
    }

    private OrderedLiveQuery<T> Ordered<TKey>(Func<T, TKey> key, IComparer<TKey>? comparer, bool descending, string operation)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfWindowed(operation);
        return new OrderedLiveQuery<T>(_collection, _source, _filter, new QueryOrder<T>([new SortKey<T, TKey>(key, comparer ?? Comparer<TKey>.Default, descending)]));
    }

    private protected void ThrowIfWindowed(string operation)
    {
        if (_skip != 0 || _take != int.MaxValue)
        {
            throw new InvalidOperationException(
                $"{operation} cannot follow Skip or Take on a live query: filter and order first, then window, e.g. Query().Where(...).OrderBy(...).Skip(n).Take(m).");
        }
    }

    /// <summary>The parts a derived ordered query copies.</summary>
    private protected (EntityCollection<T> Collection, IQuerySource<T> Source, Func<T, bool>? Filter) Parts => (_collection, _source, _filter);
}
