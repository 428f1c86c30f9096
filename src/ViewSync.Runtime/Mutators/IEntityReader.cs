namespace ViewSync.Mutators;

/// <summary>Read access to entities as JSON, by entity name and id: the state a mutator starts from.</summary>
public interface IEntityReader
{
    /// <summary>Looks up one entity.</summary>
    /// <param name="entity">The entity name, e.g. <c>todo</c>.</param>
    /// <param name="id">The entity's id.</param>
    /// <param name="json">Its JSON value (UTF-8) when found.</param>
    /// <returns><see langword="true"/> when the entity exists.</returns>
    bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json);

    /// <summary>The ids of every entity of one type, in ordinal order.</summary>
    /// <param name="entity">The entity name.</param>
    /// <returns>The ids.</returns>
    IReadOnlyList<string> Ids(string entity);
}
