using ViewSync.Persistence;

namespace ViewSync;

/// <summary>
/// A snapshot being taken (see <see cref="Replica.BeginSnapshot"/>): entities are added as they arrive and
/// recorded in chunks; <see cref="Complete"/> replaces the confirmed state, moves the cursor and rebases the
/// pending mutations in one step. Disposing it before then abandons it and changes nothing.
/// </summary>
public sealed class SnapshotLoad : Transport.ISnapshotSink, IDisposable
{
    private readonly Replica _replica;
    private readonly JournalSnapshotWriter? _writer;
    private readonly Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> _entities = new(StringComparer.Ordinal);
    private bool _done;

    internal SnapshotLoad(Replica replica, JournalSnapshotWriter? writer)
    {
        _replica = replica;
        _writer = writer;
    }

    /// <summary>The number of entities added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds one entity of the snapshot (its bytes are copied).</summary>
    /// <param name="entity">The entity name.</param>
    /// <param name="id">The entity's id.</param>
    /// <param name="json">Its JSON value (UTF-8).</param>
    /// <exception cref="IOException">The chunk could not be recorded; dispose the load.</exception>
    public void Add(string entity, string id, ReadOnlyMemory<byte> json)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        Store.EntityNames.Validate(entity, id);
        if (!_entities.TryGetValue(entity, out var ids))
        {
            ids = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
            _entities.Add(entity, ids);
        }

        var copy = json.ToArray();
        if (ids.TryAdd(id, copy))
        {
            Count++;
        }
        else
        {
            ids[id] = copy;
        }

        _writer?.Add(entity, id, copy);
    }

    /// <summary>Makes the snapshot the confirmed state at <paramref name="cursor"/> and replays the pending mutations on top.</summary>
    /// <param name="cursor">The cursor the snapshot is at.</param>
    /// <param name="confirmedMutationIds">Mutations whose effects the snapshot includes.</param>
    /// <exception cref="IOException">The snapshot could not be recorded; nothing changed.</exception>
    public void Complete(ulong cursor, IReadOnlyCollection<string> confirmedMutationIds)
    {
        ArgumentNullException.ThrowIfNull(confirmedMutationIds);
        ObjectDisposedException.ThrowIf(_done, this);
        _writer?.Finish();
        _replica.CompleteSnapshot(new ConfirmedImage(_entities), _writer, cursor, confirmedMutationIds);
        _done = true;
    }

    /// <summary>Abandons the snapshot unless it was completed.</summary>
    public void Dispose()
    {
        _done = true;
        _writer?.Dispose();
    }
}
