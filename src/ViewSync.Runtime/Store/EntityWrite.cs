namespace ViewSync.Store;

/// <summary>One entity write: a new value, or a deletion when <see cref="Json"/> is null. Mutations produce them and stores apply them.</summary>
/// <param name="Entity">The entity name.</param>
/// <param name="Id">The entity's id.</param>
/// <param name="Json">The new JSON value (UTF-8), or <see langword="null"/> for a deletion.</param>
public readonly record struct EntityWrite(string Entity, string Id, ReadOnlyMemory<byte>? Json)
{
    /// <summary>Whether this write deletes the entity.</summary>
    public bool IsDelete => Json is null;
}
