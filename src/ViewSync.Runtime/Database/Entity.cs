using ViewSync.Mutators;

namespace ViewSync;

/// <summary>
/// A handle to one entity (<c>db.Todos.Get("abc")</c>). It does not hold the value: every
/// <see cref="Get"/> reads the current one, and inside a computed or effect subscribes to this
/// entity only.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
/// <remarks>
/// <see cref="EntityCollection{T}.Get(string)"/> hands out the same handle for an id while it is in use, and the
/// handle remembers the value it last read with the store's revision at that moment: outside a computed or effect,
/// <see cref="Get"/> of an unchanged store is a revision check and a field load (no lock, no lookup, no allocation).
/// The value is the decoded instance shared by every reader of that revision, as <see cref="EntityCollection{T}"/>
/// caches it.
/// </remarks>
public sealed class Entity<T>
    where T : class
{
    private readonly EntityCollection<T> _collection;

    /// <summary>The store revision <see cref="_value"/> was read at; -1 before the first read. Written under the graph's lock, after the value.</summary>
    private long _stamp = -1;
    private T? _value;

    internal Entity(EntityCollection<T> collection, string id)
    {
        _collection = collection;
        Id = id;
    }

    /// <summary>The entity's id.</summary>
    public string Id { get; }

    /// <summary>The current value, or null when the entity does not exist (yet, or any more).</summary>
    /// <returns>The value.</returns>
    public T? Get()
    {
        // Untracked and nothing stored changed since the last read: that read's value is still the current one.
        // (Observer is only null here when no computed or effect is running on this thread.)
        if (ReactiveRuntime.Observer is null && Volatile.Read(ref _stamp) == _collection.StoreRevision)
        {
            return _value;
        }

        return Read();
    }

    /// <summary>Reads through the store (subscribing a running computed or effect) and remembers the value with the revision.</summary>
    private T? Read()
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        // Under the lock nothing is written, so the revision read first is the one the value belongs to.
        var stamp = _collection.StoreRevision;
        var value = _collection.TryRead(Id, out var found) ? found : null;
        if (value is null)
        {
            _collection.Forget(this);
        }

        _value = value;
        Volatile.Write(ref _stamp, stamp);
        return value;
    }

    /// <summary>Whether the entity exists. Inside a computed or effect, subscribes to this entity.</summary>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool Exists() => _collection.Exists(Id);

    /// <summary>
    /// Replaces the entity's value (mutation <c>{entity}.update</c>), or creates it when it does not
    /// exist (<c>{entity}.create</c>), optimistically.
    /// </summary>
    /// <param name="value">The new value; its key must equal <see cref="Id"/>.</param>
    /// <returns>The mutation's id.</returns>
    /// <exception cref="ArgumentException">The value's key differs from <see cref="Id"/>.</exception>
    public string Set(T value)
    {
        var key = _collection.Type.KeyOf(value);
        if (!string.Equals(key, Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {_collection.Type.Name} has id '{key}', but this handle is for '{Id}'.", nameof(value));
        }

        return _collection.Write("set", Id, value);
    }

    /// <summary>Deletes the entity (mutation <c>{entity}.delete</c>), optimistically.</summary>
    /// <returns>The mutation's id.</returns>
    public string Delete() => _collection.Write("delete", Id, null);

    /// <inheritdoc />
    public override string ToString() => $"{_collection.Type.Name} '{Id}'";
}
