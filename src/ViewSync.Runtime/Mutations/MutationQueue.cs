using System.Diagnostics.CodeAnalysis;

namespace ViewSync.Mutations;

/// <summary>
/// The in-order, de-duplicating queue of mutations that are waiting for the server.
/// </summary>
/// <remarks>
/// Thread-safe. Pushing, removing any mutation by id and looking one up are O(1); listing is O(n)
/// and returns a snapshot that later changes do not affect. A mutation id is queued at most once.
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: the name is the domain term used throughout ViewSync.")]
public sealed class MutationQueue
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Mutation> _order = new();
    private readonly Dictionary<string, LinkedListNode<Mutation>> _byId = new(StringComparer.Ordinal);

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
                return _order.Count;
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
        lock (_gate)
        {
            if (!_byId.ContainsKey(mutation.Id))
            {
                _byId.Add(mutation.Id, _order.AddLast(mutation));
            }
        }

        return mutation.Id;
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
            if (_byId.TryGetValue(id, out var node))
            {
                mutation = node.Value;
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
            mutation = _order.First?.Value;
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
            var result = new Mutation[Math.Min(max, _order.Count)];
            var node = _order.First;
            for (var i = 0; i < result.Length; i++, node = node.Next)
            {
                result[i] = node!.Value;
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
            if (!_byId.Remove(id, out var node))
            {
                return false;
            }

            _order.Remove(node);
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
                if (_byId.Remove(id, out var node))
                {
                    _order.Remove(node);
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
            _order.Clear();
            _byId.Clear();
        }
    }
}
