using ViewSync.Mutators;

namespace ViewSync;

/// <summary>
/// A handle to one entity (<c>db.Todos.Get("abc")</c>). It does not hold the value: every
/// <see cref="Get"/> reads the current one, and inside a computed or effect subscribes to this
/// entity only.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class Entity<T>
    where T : class
{
    private readonly EntityCollection<T> _collection;

    internal Entity(EntityCollection<T> collection, string id)
    {
        _collection = collection;
        Id = id;
    }

    /// <summary>The entity's id.</summary>
    public string Id { get; }

    /// <summary>The current value, or null when the entity does not exist (yet, or any more).</summary>
    /// <returns>The value.</returns>
    public T? Get() => _collection.TryRead(Id, out var value) ? value : null;

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

        return _collection.Write(Reactive.Untracked(Exists) ? "update" : "create", Id, value);
    }

    /// <summary>Deletes the entity (mutation <c>{entity}.delete</c>), optimistically.</summary>
    /// <returns>The mutation's id.</returns>
    public string Delete() => _collection.Write("delete", Id, null);

    /// <inheritdoc />
    public override string ToString() => $"{_collection.Type.Name} '{Id}'";
}
