using System.Diagnostics.CodeAnalysis;

namespace ViewSync.Mutations;

/// <summary>
/// The in-order, de-duplicating queue of mutations that are waiting for the server.
/// </summary>
/// <remarks>
/// Thread-safe. Pushing, removing any mutation by id and looking one up are O(1) (amortized); listing is O(n)
/// and returns a snapshot that later changes do not affect. A mutation id is queued at most once.
/// The mutations sit in one array in queue order, a removed one leaving a hole that the front skips and a
/// compaction closes: no node object per mutation.
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: the name is the domain term used throughout ViewSync.")]
public sealed class MutationQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);

    /// <summary>Queued mutations in order from <see cref="_head"/> to <see cref="_tail"/>; null where one was removed.</summary>
    private Mutation?[] _items = new Mutation?[16];
    private int _head;
    private int _tail;

    /// <summary>Creates an empty queue.</summary>
    public MutationQueue()
    {
    }

    /// <summary>Creates a queue holding <paramref name="mutations"/> in order, for example the pending mutations loaded at start-up.</summary>
    /// <param name="mutations">The mutations; later duplicates of an id are skipped.</param>
    public MutationQueue(IEnumerable<Mutation> mutations)
    {
        ArgumentNullException.ThrowIfNull(mutations);
        foreach (var mutation in mutations)
        {
            Push(mutation);
        }
    }

    /// <summary>The number of queued mutations.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Adds a mutation at the end of the queue unless its id is already queued.</summary>
    /// <param name="mutation">The mutation.</param>
    /// <returns>The mutation's id.</returns>
    /// <remarks>Pushing an id that is already queued changes nothing: the first mutation with that id keeps its place.</remarks>
    public string Push(Mutation mutation)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        _ = PushAndCount(mutation);
        return mutation.Id;
    }

    /// <summary><see cref="Push"/> that also returns the number queued afterwards, under the same lock (the replica's write path sets its pending count from it).</summary>
    internal int PushAndCount(Mutation mutation)
    {
        lock (_gate)
        {
            // Room first, so the index recorded is where the mutation lands (making room may move the others).
            if (_tail == _items.Length)
            {
                MakeRoom();
            }

            if (_byId.TryAdd(mutation.Id, _tail))
            {
                _items[_tail++] = mutation;
            }

            return _byId.Count;
        }
    }

    /// <summary>Tells whether a mutation with this id is queued.</summary>
    /// <param name="id">The mutation id.</param>
    /// <returns><see langword="true"/> when it is queued.</returns>
    public bool Contains(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return _byId.ContainsKey(id);
        }
    }

    /// <summary>Looks up a queued mutation by id.</summary>
    /// <param name="id">The mutation id.</param>
    /// <param name="mutation">The mutation when found.</param>
    /// <returns><see langword="true"/> when it is queued.</returns>
    public bool TryGet(string id, [MaybeNullWhen(false)] out Mutation mutation)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var index))
            {
                mutation = _items[index]!;
                return true;
            }
        }

        mutation = null;
        return false;
    }

    /// <summary>Returns the oldest queued mutation without removing it.</summary>
    /// <param name="mutation">The first mutation when the queue is not empty.</param>
    /// <returns><see langword="true"/> when the queue is not empty.</returns>
    public bool TryPeek([MaybeNullWhen(false)] out Mutation mutation)
    {
        lock (_gate)
        {
            mutation = _head < _tail ? _items[_head] : null;
        }

        return mutation is not null;
    }

    /// <summary>Returns every queued mutation, oldest first.</summary>
    /// <returns>A snapshot: later pushes and removals do not change it.</returns>
    public IReadOnlyList<Mutation> Pending() => Pending(int.MaxValue);

    /// <summary>Returns up to <paramref name="max"/> queued mutations, oldest first: a batch to push.</summary>
    /// <param name="max">The largest number of mutations to return.</param>
    /// <returns>A snapshot: later pushes and removals do not change it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is negative.</exception>
    public IReadOnlyList<Mutation> Pending(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        lock (_gate)
        {
            var result = new Mutation[Math.Min(max, _byId.Count)];
            for (int i = 0, at = _head; i < result.Length; at++)
            {
                if (_items[at] is { } mutation)
                {
                    result[i++] = mutation;
                }
            }

            return result;
        }
    }

    /// <summary>Removes a mutation, wherever it is in the queue.</summary>
    /// <param name="id">The mutation id.</param>
    /// <returns><see langword="true"/> when it was queued.</returns>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            if (!_byId.Remove(id, out var index))
            {
                return false;
            }

            RemoveAt(index);
            return true;
        }
    }

    /// <summary>Removes several mutations at once.</summary>
    /// <param name="ids">The mutation ids; ids that are not queued are ignored.</param>
    /// <returns>The number of mutations removed.</returns>
    public int RemoveRange(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var removed = 0;
        lock (_gate)
        {
            foreach (var id in ids)
            {
                ArgumentNullException.ThrowIfNull(id, nameof(ids));
                if (_byId.Remove(id, out var index))
                {
                    RemoveAt(index);
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <summary>Removes every mutation.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_items);
            _head = _tail = 0;
            _byId.Clear();
        }
    }

    /// <summary>Leaves a hole; the front moves past holes, so <see cref="TryPeek"/> stays O(1). Caller holds the lock.</summary>
    private void RemoveAt(int index)
    {
        _items[index] = null;
        while (_head < _tail && _items[_head] is null)
        {
            _head++;
        }

        if (_head == _tail)
        {
            _head = _tail = 0;
        }
    }

    /// <summary>The array is full at the end: close the holes when they are at least half of it, else grow it. Caller holds the lock.</summary>
    private void MakeRoom()
    {
        if (_byId.Count <= _items.Length / 2)
        {
            var live = 0;
            for (var at = _head; at < _tail; at++)
            {
                if (_items[at] is { } mutation)
                {
                    _items[live] = mutation;
                    _byId[mutation.Id] = live++;
                }
            }

            Array.Clear(_items, live, _items.Length - live);
            _head = 0;
            _tail = live;
            return;
        }

        Array.Resize(ref _items, _items.Length * 2);
    }
}
