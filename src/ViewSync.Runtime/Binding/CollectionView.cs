using System.Collections;
using System.Collections.Specialized;
using System.ComponentModel;

namespace ViewSync.Binding;

/// <summary>
/// A live query presented for XAML-style list binding: it applies the query's own change steps (add, remove,
/// move, replace at positions) to the list it shows and raises one <see cref="INotifyCollectionChanged"/> event
/// per step on the given synchronization context, so a list control animates only what changed. Nothing is
/// diffed or searched: a move is one event at the right index.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class CollectionView<T> : IReadOnlyList<T>, INotifyCollectionChanged, INotifyPropertyChanged, IDisposable
    where T : class
{
    private static readonly PropertyChangedEventArgs s_count = new(nameof(Count));
    private static readonly PropertyChangedEventArgs s_indexer = new("Item[]");
    private readonly List<T> _items;
    private readonly LiveQuery<T> _query;
    private readonly bool _ownsQuery;
    private readonly SynchronizationContext? _context;
    private bool _disposed;

    /// <summary>Starts following <paramref name="query"/>, e.g. <c>db.Todos.Query().Where(t =&gt; !t.Done).OrderBy(t =&gt; t.Title)</c>.</summary>
    /// <param name="query">The query to show; the view does not dispose it.</param>
    /// <param name="context">Where to raise events; the UI thread's context. Null raises them on the writing thread.</param>
    public CollectionView(LiveQuery<T> query, SynchronizationContext? context = null)
        : this(query, context, ownsQuery: false)
    {
    }

    /// <summary>Starts following <paramref name="collection"/>, filtered and ordered.</summary>
    /// <param name="collection">The collection, e.g. <c>db.Todos</c>.</param>
    /// <param name="filter">Which entities to show; null shows all.</param>
    /// <param name="order">The order to show them in (ties by id); null orders by id.</param>
    /// <param name="context">Where to raise events; the UI thread's context. Null raises them on the writing thread.</param>
    public CollectionView(EntityCollection<T> collection, Func<T, bool>? filter = null, IComparer<T>? order = null, SynchronizationContext? context = null)
        : this(Build(collection, filter, order), context, ownsQuery: true)
    {
    }

    private CollectionView(LiveQuery<T> query, SynchronizationContext? context, bool ownsQuery)
    {
        ArgumentNullException.ThrowIfNull(query);
        _query = query;
        _ownsQuery = ownsQuery;
        _context = context;
        using var scope = ReactiveRuntime.Gate.EnterScope();
        using var untracked = ReactiveRuntime.SuspendTracking();

        // The copy and the subscription happen under one lock hold, so no change falls between them.
        _items = [.. query.Snapshot()];
        query.Changed += OnQueryChanged;
    }

    /// <inheritdoc />
    public event NotifyCollectionChangedEventHandler? CollectionChanged;

    /// <inheritdoc />
    public event PropertyChangedEventHandler? PropertyChanged;

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public T this[int index] => _items[index];

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stops following the query (and disposes it when this view built it).</summary>
    public void Dispose()
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        _disposed = true;
        _query.Changed -= OnQueryChanged;
        if (_ownsQuery)
        {
            _query.Dispose();
        }
    }

    private static LiveQuery<T> Build(EntityCollection<T> collection, Func<T, bool>? filter, IComparer<T>? order)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var query = collection.Query();
        if (filter is not null)
        {
            query = query.Where(filter);
        }

        return order is null ? query : query.OrderBy(static item => item, order);
    }

    /// <summary>Runs on the writing thread under the graph's lock: applies the steps here, or posts them (with a copy for a reset) to the context.</summary>
    private void OnQueryChanged(object? sender, QueryChangedEventArgs<T> e)
    {
        var reload = e.Changes.Any(c => c.Kind == QueryChangeKind.Reset) ? _query.Snapshot() : null;
        if (_context is null || SynchronizationContext.Current == _context)
        {
            Apply(e.Changes, reload);
            return;
        }

        _context.Post(static state =>
        {
            var (view, changes, reload) = ((CollectionView<T>, IReadOnlyList<QueryChange<T>>, IReadOnlyList<T>?))state!;
            view.Apply(changes, reload);
        }, (this, e.Changes, reload));
    }

    private void Apply(IReadOnlyList<QueryChange<T>> changes, IReadOnlyList<T>? reload)
    {
        if (_disposed)
        {
            return;
        }

        var countBefore = _items.Count;
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case QueryChangeKind.Added:
                    _items.Insert(change.Index, change.Item!);
                    Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Add, change.Item, change.Index));
                    break;
                case QueryChangeKind.Removed:
                    var removed = _items[change.Index];
                    _items.RemoveAt(change.Index);
                    Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Remove, removed, change.Index));
                    break;
                case QueryChangeKind.Moved:
                    var moved = _items[change.OldIndex];
                    _items.RemoveAt(change.OldIndex);
                    _items.Insert(change.Index, moved);
                    Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Move, moved, change.Index, change.OldIndex));
                    if (!ReferenceEquals(moved, change.Item))
                    {
                        _items[change.Index] = change.Item!;
                        Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Replace, change.Item, moved, change.Index));
                    }

                    break;
                case QueryChangeKind.Replaced:
                    var old = _items[change.Index];
                    _items[change.Index] = change.Item!;
                    Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Replace, change.Item, old, change.Index));
                    break;
                default:
                    _items.Clear();
                    _items.AddRange(reload ?? []);
                    Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Reset));
                    break;
            }
        }

        if (_items.Count != countBefore)
        {
            PropertyChanged?.Invoke(this, s_count);
        }
    }

    private void Raise(NotifyCollectionChangedEventArgs change)
    {
        CollectionChanged?.Invoke(this, change);
        PropertyChanged?.Invoke(this, s_indexer);
    }
}
