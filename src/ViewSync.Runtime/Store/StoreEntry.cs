namespace ViewSync.Store;

/// <summary>One stored entity: its id, its JSON and the revision at which that JSON was written.</summary>
/// <param name="Id">The entity's id.</param>
/// <param name="Json">Its JSON value (UTF-8). The bytes never change after they are stored.</param>
/// <param name="Revision">
/// Increases every time the store changes this entity's value, so a reader can cache what it
/// decoded and re-decode only when the revision moves.
/// </param>
public readonly record struct StoreEntry(string Id, ReadOnlyMemory<byte> Json, long Revision);
