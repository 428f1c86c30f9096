using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ViewSync.Queries;
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
    private readonly TableSource<T> _table;
    private readonly ConditionalWeakTable<Func<T, bool>, LiveQuery<T>> _finds = [];
    private readonly Dictionary<string, object> _indexes = new(StringComparer.Ordinal);
    private LiveQuery<T>? _all;

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
        _table = new TableSource<T>(this);
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
    public Entity<T> Create(T value) => CreateCore(Type.KeyOf(value), value);

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

        return CreateCore(id, value);
    }

    private Entity<T> CreateCore(string id, T value)
    {
        Write("create", id, value);
        return _handles.TryGetValue(id, out var handle) ? handle : new Entity<T>(this, id);
    }

    /// <summary>
    /// A live query over every entity of this type, to narrow, order and window:
    /// <c>db.Todos.Query().Where(t =&gt; !t.Done).OrderBy(t =&gt; t.Title).Take(50)</c>. See <see cref="LiveQuery{T}"/>.
    /// </summary>
    /// <returns>The query (built on first read).</returns>
    public LiveQuery<T> Query() => new(this, _table, null, QueryOrder<T>.ById, 0, int.MaxValue);

    /// <summary>
    /// Every entity, ordered by id, as an immutable list. Inside a computed or effect, re-runs only when the result
    /// changes. Backed by one live query, so a read after a change costs the copy of the result, not a rescan.
    /// </summary>
    /// <returns>The entities.</returns>
    public IReadOnlyList<T> All()
    {
        var all = Volatile.Read(ref _all);
        if (all is null)
        {
            all = Query();
            all = Interlocked.CompareExchange(ref _all, all, null) ?? all;
        }

        return all.Snapshot();
    }

    /// <summary>
    /// The entities that match <paramref name="predicate"/>, ordered by id, as an immutable list. Inside a computed or
    /// effect, re-runs only when the result changes.
    /// </summary>
    /// <param name="predicate">The filter: a pure function of the entity.</param>
    /// <returns>The matching entities.</returns>
    /// <remarks>
    /// Each distinct predicate instance keeps one live query for as long as the delegate lives, so calling
    /// <c>Find(t =&gt; !t.Done)</c> again (a lambda that captures nothing is one cached delegate) costs the copy of the
    /// result, not a rescan; <c>Find(...).Count</c> is cheaper still with <see cref="Query"/>:
    /// <c>Query().Where(...).Count</c>. A lambda that captures variables is a new delegate, and a new query, each time.
    /// </remarks>
    public IReadOnlyList<T> Find(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return _finds.GetValue(predicate, p => Query().Where(p)).Snapshot();
    }

    /// <summary>
    /// The equality index named <paramref name="name"/> over <paramref name="key"/>, created on first use. Generated
    /// lookups (<c>db.Todos.ByListId(id)</c>, from <c>[SyncIndex]</c>) call this; see <see cref="EntityIndex{T, TKey}"/>.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="name">The index's name, unique per collection, e.g. <c>todo.ListId</c>.</param>
    /// <param name="key">Reads the indexed property: a pure function of the entity.</param>
    /// <returns>The index.</returns>
    /// <exception cref="InvalidOperationException">An index of that name exists with another key type.</exception>
    public EntityIndex<T, TKey> Index<TKey>(string name, Func<T, TKey> key)
        where TKey : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(key);
        using var scope = ReactiveRuntime.Gate.EnterScope();
        if (!_indexes.TryGetValue(name, out var index))
        {
            index = new EntityIndex<T, TKey>(this, name, key);
            _indexes.Add(name, index);
        }

        return index as EntityIndex<T, TKey> ?? throw new InvalidOperationException(
            $"Index '{name}' of {Type.Name} exists with key type {index.GetType().GenericTypeArguments[1].Name}, not {typeof(TKey).Name}.");
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

    /// <summary>The visible store this collection reads.</summary>
    internal LocalStore Store => _replica.Store;

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

        return WriteThroughMutator(operation, id, value);
    }

    /// <summary>
    /// <see cref="Write"/> for a database whose own mutators replace the built-ins: arguments parsed and run like any mutation.
    /// A method of its own so that its lambda's closure is not allocated on the built-in path (C# creates it on entry).
    /// </summary>
    private string WriteThroughMutator(string operation, string id, T? value)
    {
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

    /// <summary>The entity stored in <paramref name="entry"/>, decoded once per revision.</summary>
    internal T Decode(StoreEntry entry)
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
