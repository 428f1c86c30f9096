namespace ViewSync.Mutators;

/// <summary>
/// What a mutator reads and writes through: entities as JSON by entity name and id. The client's
/// optimistic store and the server's storage both provide one, so the same mutator code runs on
/// both sides. Generated databases wrap it in a typed <c>Tx</c>.
/// </summary>
public interface IMutationTransaction : IEntityReader
{
    /// <summary>Creates or replaces one entity.</summary>
    /// <param name="entity">The entity name.</param>
    /// <param name="id">The entity's id.</param>
    /// <param name="json">Its new JSON value (UTF-8). The transaction keeps its own copy.</param>
    void Put(string entity, string id, ReadOnlySpan<byte> json);

    /// <summary>Deletes one entity; deleting a missing entity does nothing.</summary>
    /// <param name="entity">The entity name.</param>
    /// <param name="id">The entity's id.</param>
    void Delete(string entity, string id);
}
