namespace ViewSync.Transport;

/// <summary>Receives a snapshot's entities one by one while it is read, so no whole snapshot is ever held as one answer.</summary>
/// <remarks><see cref="SnapshotLoad"/> is the sink the sync client uses: it records each entity in the journal as it comes.</remarks>
public interface ISnapshotSink
{
    /// <summary>One entity of the snapshot.</summary>
    /// <param name="entity">The entity name, e.g. <c>todo</c>.</param>
    /// <param name="id">The entity's id.</param>
    /// <param name="json">Its JSON value (UTF-8); valid only during the call, so copy what you keep.</param>
    void Add(string entity, string id, ReadOnlyMemory<byte> json);
}
