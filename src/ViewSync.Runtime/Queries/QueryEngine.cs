using System.Runtime.ExceptionServices;
using ViewSync.Store;

namespace ViewSync.Queries;

/// <summary>
/// The maintained result of one live query: the matching rows in an <see cref="OrderedTree{T}"/>, kept up to date
/// from the ids each store operation changed (each re-tested, then removed, inserted or moved: O(k log n)), and the
/// window (skip/take) over them. It moves its signals only when the window's contents changed, and describes each
/// change as added/removed/moved/replaced steps at window positions.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
internal sealed class QueryEngine<T> : IStoreChangeListener
    where T : class
{
    /// <summary>A batch that changes more than this many ids, and more than half the candidates, rebuilds and resets.</summary>
    private const int ResetThreshold = 32;

    private readonly EntityCollection<T> _collection;
    private readonly IQuerySource<T> _source;
    private readonly Func<T, bool>? _filter;
    private readonly int _skip;
    private readonly int _take;
    private readonly OrderedTree<T> _tree;
    private readonly Dictionary<string, OrderedTree<T>.Node> _members = new(StringComparer.Ordinal);
    private readonly List<QueryChange<T>> _changes = [];
    private readonly List<QueryChange<T>> _step = [];
    private readonly QueryOrder<T> _order;
    private ExceptionDispatchInfo? _fault;
    private bool _attached;
    private IReadOnlyList<T>? _snapshot;

    public QueryEngine(EntityCollection<T> collection, IQuerySource<T> source, Func<T, bool>? filter, QueryOrder<T> order, int skip, int take)
    {
        _collection = collection;
        _source = source;
        _filter = filter;
        _order = order;
        _skip = skip;
        _take = take;
        _tree = new OrderedTree<T>(order);
        Load();
        _source.Attach(this);
        _attached = true;
        Version = new Signal<long>(0, name: $"query over {collection.Type.Name}");
        CountSignal = new Signal<int>(WindowCount, name: $"query count over {collection.Type.Name}");
    }

    /// <summary>Moves whenever the window's contents change (a row added, removed, moved or replaced).</summary>
    public Signal<long> Version { get; }

    /// <summary>The window's row count, moved only when it changes.</summary>
    public Signal<int> CountSignal { get; }

    /// <summary>Bumped on every change, for enumerators to notice a change under them.</summary>
    public int Modifications { get; private set; }

    public event EventHandler<QueryChangedEventArgs<T>>? Changed;

    /// <summary>The number of rows in the window.</summary>
    public int WindowCount
    {
        get
        {
            var count = (long)_tree.Count - _skip;
            return count <= 0 ? 0 : (int)Math.Min(count, _take);
        }
    }

    private long WindowEnd => (long)_skip + _take;

    /// <summary>The row at <paramref name="index"/> of the window.</summary>
    public T At(int index)
    {
        ThrowIfFaulted();
        if ((uint)index >= (uint)WindowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The query holds {WindowCount} rows.");
        }

        return _tree.At(_skip + index).Item;
    }

    /// <summary>The window as an immutable list, built once per change.</summary>
    public IReadOnlyList<T> Snapshot()
    {
        ThrowIfFaulted();
        if (_snapshot is null)
        {
            var items = new T[WindowCount];
            _tree.CopyTo(_skip, items.Length, items);
            _snapshot = Array.AsReadOnly(items);
        }

        return _snapshot;
    }

    public void ThrowIfFaulted() => _fault?.Throw();

    public void Detach()
    {
        if (_attached)
        {
            _attached = false;
            _source.Detach(this);
        }
    }

    /// <inheritdoc />
    public void OnChanged(IReadOnlyList<string> ids)
    {
        if (_fault is not null)
        {
            return;
        }

        try
        {
            _changes.Clear();
            if (ids.Count > ResetThreshold && ids.Count * 2L > _collection.Store.PeekCount(_collection.Type.Name))
            {
                Rebuild();
            }
            else
            {
                foreach (var id in ids)
                {
                    Process(id);
                }

                // Rows that shifted out of the window and back in (one row in before it, another out) cancel out.
                Coalesce(_changes);
            }
        }
        catch (Exception e)
        {
            // A filter or sort key threw: the set may be half-updated, so the query stops and every read reports why.
            _fault = ExceptionDispatchInfo.Capture(new InvalidOperationException(
                $"A live query over {_collection.Type.Name} failed while applying a change: {e.Message}", e));
            Detach();
            Version.Set(Version.Peek() + 1);
            return;
        }

        if (_changes.Count == 0)
        {
            return;
        }

        Modifications++;
        _snapshot = null;
        Version.Set(Version.Peek() + 1);
        CountSignal.Set(WindowCount);
        if (Changed is { } handler)
        {
            handler(this, new QueryChangedEventArgs<T>([.. _changes]));
        }
    }

    private bool Matches(T item) => _source.Admits(item) && (_filter is null || _filter(item));

    /// <summary>Fills the set from scratch.</summary>
    private void Load()
    {
        var entries = new List<StoreEntry>();
        _source.Scan(entries);
        var sorted = new OrderedTree<T>.Node[entries.Count];
        var count = 0;
        foreach (var entry in entries)
        {
            var item = _collection.Decode(entry);
            if (Matches(item))
            {
                sorted[count++] = new OrderedTree<T>.Node(entry.Id, item, entry.Revision);
            }
        }

        Array.Resize(ref sorted, count);
        _order.Sort(sorted);
        _members.Clear();
        _members.EnsureCapacity(count);
        foreach (var row in sorted)
        {
            _members.Add(row.Id, row);
        }

        _tree.Build(sorted);
    }

    /// <summary>A change too large to apply row by row: load again, and reset only if the window differs.</summary>
    private void Rebuild()
    {
        var before = new T[WindowCount];
        _tree.CopyTo(_skip, before.Length, before);
        Load();
        var after = new T[WindowCount];
        _tree.CopyTo(_skip, after.Length, after);
        if (!before.AsSpan().SequenceEqual(after, ReferenceEqualityComparer.Instance))
        {
            _changes.Add(new QueryChange<T>(QueryChangeKind.Reset, null, null, -1, -1));
        }
    }

    /// <summary>Re-tests one changed id and moves its row: out, in, or to its new place.</summary>
    private void Process(string id)
    {
        _members.TryGetValue(id, out var node);
        T? item = null;
        long revision = 0;
        if (_collection.Store.TryPeek(_collection.Type.Name, id, out var entry))
        {
            if (node is not null && node.Revision == entry.Revision)
            {
                return;
            }

            var decoded = _collection.Decode(entry);
            if (Matches(decoded))
            {
                item = decoded;
                revision = entry.Revision;
            }
        }

        if (node is null && item is null)
        {
            return; // outside the filter before and after: the common cheap case
        }

        _step.Clear();
        if (node is not null)
        {
            var countBefore = _tree.Count;
            var rank = _tree.Remove(node);
            _members.Remove(id);
            RemovedAt(rank, node.Item, id, countBefore);
        }

        if (item is not null)
        {
            if (node is null)
            {
                node = new OrderedTree<T>.Node(id, item, revision);
            }
            else
            {
                node.Item = item;
                node.Revision = revision;
            }

            var rank = _tree.Insert(node);
            _members.Add(id, node);
            InsertedAt(rank, item, id, _tree.Count);
        }

        Coalesce(_step);
        _changes.AddRange(_step);
    }

    /// <summary>The window steps of removing the row at <paramref name="rank"/> from a set of <paramref name="countBefore"/> rows (the tree is already without it).</summary>
    private void RemovedAt(int rank, T item, string id, int countBefore)
    {
        if (rank >= WindowEnd || _take == 0)
        {
            return;
        }

        if (rank < _skip)
        {
            if (countBefore <= _skip)
            {
                return; // the window was empty and stays so
            }

            // Everything shifts left by one: the first row leaves, the row after the window enters at its end.
            var first = _tree.At(_skip - 1);
            _step.Add(new QueryChange<T>(QueryChangeKind.Removed, first.Id, first.Item, 0, 0));
        }
        else
        {
            var at = rank - _skip;
            _step.Add(new QueryChange<T>(QueryChangeKind.Removed, id, item, at, at));
        }

        if (countBefore > WindowEnd)
        {
            var entering = _tree.At((int)(WindowEnd - 1));
            _step.Add(new QueryChange<T>(QueryChangeKind.Added, entering.Id, entering.Item, _take - 1, _take - 1));
        }
    }

    /// <summary>The window steps of inserting a row at <paramref name="rank"/>, giving <paramref name="countAfter"/> rows (the tree already holds it).</summary>
    private void InsertedAt(int rank, T item, string id, int countAfter)
    {
        if (rank >= WindowEnd || countAfter <= _skip || _take == 0)
        {
            return;
        }

        // A full window pushes its last row out first.
        if (countAfter - 1 >= WindowEnd)
        {
            var leaving = _tree.At((int)WindowEnd);
            _step.Add(new QueryChange<T>(QueryChangeKind.Removed, leaving.Id, leaving.Item, _take - 1, _take - 1));
        }

        if (rank < _skip)
        {
            // Everything shifts right by one: the row just before the window enters at its start.
            var entering = _tree.At(_skip);
            _step.Add(new QueryChange<T>(QueryChangeKind.Added, entering.Id, entering.Item, 0, 0));
        }
        else
        {
            var at = rank - _skip;
            _step.Add(new QueryChange<T>(QueryChangeKind.Added, id, item, at, at));
        }
    }

    /// <summary>
    /// Folds one row's steps: an add undone by the next remove disappears, and a remove followed by an add of the
    /// same id becomes a move (or a replace in place, or nothing when the row is the same object).
    /// </summary>
    private static void Coalesce(List<QueryChange<T>> steps)
    {
        for (var i = 0; i + 1 < steps.Count;)
        {
            var a = steps[i];
            var b = steps[i + 1];
            if (a.Kind == QueryChangeKind.Added && b.Kind == QueryChangeKind.Removed && a.Index == b.Index && a.Id == b.Id)
            {
                steps.RemoveRange(i, 2);
                i = Math.Max(0, i - 1);
                continue;
            }

            if (a.Kind == QueryChangeKind.Removed && b.Kind == QueryChangeKind.Added && a.Id == b.Id)
            {
                steps.RemoveAt(i + 1);
                if (a.Index != b.Index)
                {
                    steps[i] = new QueryChange<T>(QueryChangeKind.Moved, b.Id, b.Item, b.Index, a.Index);
                }
                else if (!ReferenceEquals(a.Item, b.Item))
                {
                    steps[i] = new QueryChange<T>(QueryChangeKind.Replaced, b.Id, b.Item, b.Index, b.Index);
                }
                else
                {
                    steps.RemoveAt(i);
                }

                i = Math.Max(0, i - 1);
                continue;
            }

            i++;
        }
    }
}
