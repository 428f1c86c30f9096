using System.Text.Json;
using ViewSync.Mutators;

namespace ViewSync;

/// <summary>
/// The typed view of one entity type inside a mutator's transaction. Generated <c>Tx</c> structs
/// expose one per entity (<c>tx.Todos.Get(id)</c>).
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Named after the client-side EntityCollection<T> it mirrors; it is a view over a transaction, not an in-memory collection.")]
public readonly struct TxCollection<T>
    where T : class
{
    private readonly IMutationTransaction _transaction;
    private readonly EntityType<T> _type;

    /// <summary>Creates the view.</summary>
    /// <param name="transaction">The transaction to read and write through.</param>
    /// <param name="type">The entity type.</param>
    public TxCollection(IMutationTransaction transaction, EntityType<T> type)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(type);
        _transaction = transaction;
        _type = type;
    }

    /// <summary>Reads one entity.</summary>
    /// <param name="id">Its id.</param>
    /// <returns>The entity, or null when it does not exist.</returns>
    /// <exception cref="MutationRejectedException">The stored JSON is not a valid entity.</exception>
    public T? Get(string id) => _transaction.TryGet(_type.Name, id, out var json) ? Decode(id, json.Span) : null;

    /// <summary>Reads one entity that must exist.</summary>
    /// <param name="id">Its id.</param>
    /// <returns>The entity.</returns>
    /// <exception cref="MutationRejectedException">It does not exist (code <c>conflict</c>: another client may have deleted it).</exception>
    public T GetRequired(string id) => Get(id) ?? throw MutationRejectedException.Conflict($"{_type.Name} '{id}' does not exist.");

    /// <summary>Whether an entity exists.</summary>
    /// <param name="id">Its id.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool Exists(string id) => _transaction.TryGet(_type.Name, id, out _);

    /// <summary>Creates or replaces an entity, under the id its key property holds.</summary>
    /// <param name="entity">The entity.</param>
    public void Put(T entity) => _transaction.Put(_type.Name, _type.KeyOf(entity), _type.Serialize(entity));

    /// <summary>Deletes an entity; deleting a missing one does nothing.</summary>
    /// <param name="id">Its id.</param>
    public void Delete(string id) => _transaction.Delete(_type.Name, id);

    /// <summary>Every entity of this type, ordered by id.</summary>
    /// <returns>The entities.</returns>
    public IReadOnlyList<T> All()
    {
        var ids = _transaction.Ids(_type.Name);
        var all = new List<T>(ids.Count);
        foreach (var id in ids)
        {
            if (Get(id) is { } entity)
            {
                all.Add(entity);
            }
        }

        return all;
    }

    private T Decode(string id, ReadOnlySpan<byte> json)
    {
        try
        {
            return _type.Deserialize(json);
        }
        catch (JsonException e)
        {
            throw MutationRejectedException.Invalid($"Stored {_type.Name} '{id}' is not valid JSON for {typeof(T).Name}: {e.Message}");
        }
    }
}
