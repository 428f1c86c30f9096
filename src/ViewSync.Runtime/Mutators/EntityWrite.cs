namespace ViewSync.Mutators;

/// <summary>One entity write made by a mutation: a new value, or a deletion when <see cref="Json"/> is null.</summary>
/// <param name="Entity">The entity name.</param>
/// <param name="Id">The entity's id.</param>
/// <param name="Json">The new JSON value (UTF-8), or <see langword="null"/> for a deletion.</param>
public readonly record struct EntityWrite(string Entity, string Id, ReadOnlyMemory<byte>? Json)
{
    /// <summary>Whether this write deletes the entity.</summary>
    public bool IsDelete => Json is null;
}
