using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ViewSync.Mutators;
using ViewSync.Store;

namespace ViewSync;

/// <summary>
/// The typed, reactive view of one entity type in a database (<c>db.Todos</c>). Reads inside a
/// computed or effect subscribe exactly to what they read; writes are mutations, applied
/// optimistically and queued for the server.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
/// <remarks>
/// Decoded values are cached per entity and revision, so reading does not re-parse JSON until the entity changes.
/// Named <c>EntityCollection</c>, not <c>Collection</c>, so that files importing both <c>ViewSync</c> and
/// <c>System.Collections.ObjectModel</c> (most MVVM view models) compile without ambiguity.
/// </remarks>
[SuppressMessage("Naming", "CA1711", Justification = "db.Todos is a collection of todos, but a reactive view, not an in-memory .NET collection.")]
public sealed class EntityCollection<T>
    where T : class
{
    private readonly Replica _replica;
    private readonly ConcurrentDictionary<string, (long Revision, T Value)> _decoded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entity<T>> _handles = new(StringComparer.Ordinal);
    private readonly bool _builtInWrites;

    /// <summary>Creates the view. Generated databases call this.</summary>
    /// <param name="replica">The replica to read and mutate.</param>
    /// <param name="type">The entity type.</param>
    public EntityCollection(Replica replica, EntityType<T> type)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(type);
        _replica = replica;
        Type = type;
        _builtInWrites = replica.Mutators.HasBuiltIns(type);
    }

    /// <summary>The entity type.</summary>
    public EntityType<T> Type { get; }

    /// <summary>A handle to the entity with <paramref name="id"/>, which may or may not exist.</summary>
    /// <param name="id">The entity's id.</param>
    /// <returns>The handle: the same one for an id that exists, so reading it again costs a revision check.</returns>
    public Entity<T> Get(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return _handles.TryGetValue(id, out var handle) ? handle : _handles.GetOrAdd(id, static (id, collection) => new Entity<T>(collection, id), this);
    }

    /// <summary>Creates an entity under the id its key property holds (mutation <c>{entity}.create</c>).</summary>
    /// <param name="value">The entity.</param>
    /// <returns>A handle to it.</returns>
    /// <exception cref="MutationRejectedException">An entity with that id already exists.</exception>
    public Entity<T> Create(T value) => Create(Type.KeyOf(value), value);

    /// <summary>Creates an entity (mutation <c>{entity}.create</c>).</summary>
    /// <param name="id">Its id; it must equal the value's key.</param>
    /// <param name="value">The entity.</param>
    /// <returns>A handle to it.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> differs from the value's key.</exception>
    /// <exception cref="MutationRejectedException">An entity with that id already exists.</exception>
    public Entity<T> Create(string id, T value)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var key = Type.KeyOf(value);
        if (!string.Equals(key, id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {Type.Name} has id '{key}', not '{id}'.", nameof(id));
        }

        Write("create", id, value);
        return _handles.TryGetValue(id, out var handle) ? handle : new Entity<T>(this, id);
    }

    /// <summary>Every entity, ordered by id. Inside a computed or effect, re-runs when any of them changes.</summary>
    /// <returns>The entities.</returns>
    public IReadOnlyList<T> All()
    {
        var entries = _replica.Store.Entries(Type.Name);
        var all = new T[entries.Count];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = Decode(entries[i]);
        }

        return all;
    }

    /// <summary>The entities that match <paramref name="predicate"/>, ordered by id. Inside a computed or effect, re-runs when any entity changes.</summary>
    /// <param name="predicate">The filter.</param>
    /// <returns>The matching entities.</returns>
    public IReadOnlyList<T> Find(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return [.. All().Where(predicate)];
    }

    /// <summary>The number of entities. Inside a computed or effect, re-runs only when one is added or removed.</summary>
    /// <returns>The count.</returns>
    public int Count() => _replica.Store.Count(Type.Name);

    /// <summary>The ids, in ordinal order. Inside a computed or effect, re-runs only when one is added or removed.</summary>
    /// <returns>The ids.</returns>
    public IReadOnlyList<string> Ids() => _replica.Store.Ids(Type.Name);

    internal bool TryRead(string id, [NotNullWhen(true)] out T? value)
    {
        if (_replica.Store.TryGet(Type.Name, id, out StoreEntry entry))
        {
            value = Decode(entry);
            return true;
        }

        _decoded.TryRemove(id, out _);
        value = null;
        return false;
    }

    internal bool Exists(string id) => _replica.Store.Contains(Type.Name, id);

    /// <summary>The store's revision, for handles' lock-free check.</summary>
    internal long StoreRevision => _replica.Store.Revision;

    /// <summary>Drops a handle of an entity that does not exist from the cache, so absent ids cannot pile up (the handle keeps working).</summary>
    internal void Forget(Entity<T> handle) => _handles.TryRemove(KeyValuePair.Create(handle.Id, handle));

    /// <summary>Queues <c>{entity}.{operation}</c> with <c>{"id", "data"}</c> (or just <c>{"id"}</c> for a delete).</summary>
    /// <param name="operation"><c>create</c>, <c>update</c>, <c>delete</c>, or <c>set</c>: update when the entity exists, else create (decided under the lock).</param>
    /// <param name="id">The entity's id.</param>
    /// <param name="value">The entity; null for a delete.</param>
    internal string Write(string operation, string id, T? value)
    {
        if (_builtInWrites)
        {
            // The built-ins are ours: encode once, and the replica stores these very bytes without parsing or validating them.
            var encoded = EntityMutationArgs.Write(id, value, Type.TypeInfo, out var data);
            var kind = operation switch
            {
                "create" => EntityWriteKind.Create,
                "update" => EntityWriteKind.Update,
                "set" => EntityWriteKind.Set,
                _ => EntityWriteKind.Delete,
            };
            // Spelled out: a bare null would convert to an empty, non-null ReadOnlyMemory (through byte[]).
            return _replica.MutateEntity(Type, kind, id, encoded, value is null ? (ReadOnlyMemory<byte>?)null : data);
        }

        if (operation == "set")
        {
            operation = Reactive.Untracked(() => Exists(id)) ? "update" : "create";
        }
        using var args = new MutationArgsWriter();
        args.Write("id", id);
        if (value is not null)
        {
            args.Write("data", value, Type.TypeInfo);
        }

        return _replica.Mutate($"{Type.Name}.{operation}", args.ToJson());
    }

    private T Decode(StoreEntry entry)
    {
        if (_decoded.TryGetValue(entry.Id, out var cached) && cached.Revision == entry.Revision)
        {
            return cached.Value;
        }

        T value;
        try
        {
            value = Type.Deserialize(entry.Json.Span);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Stored {Type.Name} '{entry.Id}' cannot be read as {typeof(T).Name}: {e.Message}", e);
        }

        _decoded[entry.Id] = (entry.Revision, value);
        return value;
    }
}
