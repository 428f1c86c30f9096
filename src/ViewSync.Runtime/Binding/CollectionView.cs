using System.Collections;
using System.Collections.Specialized;
using System.ComponentModel;

namespace ViewSync.Binding;

/// <summary>
/// A filtered, sorted view of a collection for XAML-style list binding: it raises incremental
/// <see cref="INotifyCollectionChanged"/> events (add, remove, replace, move — never a reset for an
/// ordinary change) on the given synchronization context, so a list control animates only what changed.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class CollectionView<T> : IReadOnlyList<T>, INotifyCollectionChanged, INotifyPropertyChanged, IDisposable
    where T : class
{
    private static readonly PropertyChangedEventArgs s_count = new(nameof(Count));
    private static readonly PropertyChangedEventArgs s_indexer = new("Item[]");
    private readonly List<T> _items = [];
    private readonly List<string> _keys = [];
    private readonly Func<T, string> _key;
    private readonly Effect _effect;

    /// <summary>Starts following <paramref name="collection"/>.</summary>
    /// <param name="collection">The collection, e.g. <c>db.Todos</c>.</param>
    /// <param name="filter">Which entities to show; null shows all.</param>
    /// <param name="order">The order to show them in; null orders by id.</param>
    /// <param name="context">Where to raise events; the UI thread's context. Null raises them on the writing thread.</param>
    public CollectionView(EntityCollection<T> collection, Func<T, bool>? filter = null, IComparer<T>? order = null, SynchronizationContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        _key = collection.Type.KeyOf;
        _effect = new Effect(() =>
        {
            IEnumerable<T> items = filter is null ? collection.All() : collection.Find(filter);
            if (order is not null)
            {
                items = items.Order(order);
            }

            Apply([.. items]);
        }, context, name: $"CollectionView {collection.Type.Name}");
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

    /// <summary>Stops following the collection.</summary>
    public void Dispose() => _effect.Dispose();

    /// <summary>Turns the list shown into <paramref name="next"/> with the fewest obvious steps, raising one event per step.</summary>
    private void Apply(List<T> next)
    {
        var countBefore = _items.Count;
        var nextKeys = next.Select(_key).ToList();
        var wanted = new HashSet<string>(nextKeys, StringComparer.Ordinal);

        // 1. Remove what left, from the end so indexes stay valid.
        for (var i = _items.Count - 1; i >= 0; i--)
        {
            if (!wanted.Contains(_keys[i]))
            {
                var removed = _items[i];
                RemoveAt(i);
                Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Remove, removed, i));
            }
        }

        // 2. Walk the new order: keep, replace, move up, or insert.
        for (var i = 0; i < next.Count; i++)
        {
            if (i < _keys.Count && _keys[i] == nextKeys[i])
            {
                if (!EqualityComparer<T>.Default.Equals(_items[i], next[i]))
                {
                    var old = _items[i];
                    _items[i] = next[i];
                    Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Replace, next[i], old, i));
                }

                continue;
            }

            var from = _keys.IndexOf(nextKeys[i], i);
            if (from >= 0)
            {
                var moved = _items[from];
                RemoveAt(from);
                Insert(i, moved, nextKeys[i]);
                Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Move, moved, i, from));
                if (!EqualityComparer<T>.Default.Equals(moved, next[i]))
                {
                    _items[i] = next[i];
                    Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Replace, next[i], moved, i));
                }
            }
            else
            {
                Insert(i, next[i], nextKeys[i]);
                Raise(new NotifyCollectionChangedEventArgs(NotifyCollectionChangedAction.Add, next[i], i));
            }
        }

        if (_items.Count != countBefore)
        {
            PropertyChanged?.Invoke(this, s_count);
        }
    }

    private void RemoveAt(int index)
    {
        _items.RemoveAt(index);
        _keys.RemoveAt(index);
    }

    private void Insert(int index, T item, string key)
    {
        _items.Insert(index, item);
        _keys.Insert(index, key);
    }

    private void Raise(NotifyCollectionChangedEventArgs change)
    {
        CollectionChanged?.Invoke(this, change);
        PropertyChanged?.Invoke(this, s_indexer);
    }
}
