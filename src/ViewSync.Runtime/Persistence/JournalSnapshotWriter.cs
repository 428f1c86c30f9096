namespace ViewSync.Persistence;

/// <summary>
/// Journals one snapshot as it arrives: entries are gathered into chunk records of about
/// <see cref="ReplicaJournal.ChunkBytes"/>, each appended when full, so a large snapshot never needs one huge record.
/// </summary>
internal sealed class JournalSnapshotWriter : IDisposable
{
    private readonly ReplicaJournal _journal;
    private readonly ByteBuffer _buffer = new(4096);
    private int _chunk = -1;
    private int _count;
    private bool _ended;

    public JournalSnapshotWriter(ReplicaJournal journal, ulong id)
    {
        _journal = journal;
        Id = id;
    }

    public ulong Id { get; }

    public void Add(string entity, string id, ReadOnlySpan<byte> json)
    {
        if (_chunk < 0)
        {
            _buffer.Clear();
            _chunk = JournalRecords.BeginChunk(_buffer, Id);
        }

        JournalRecords.ChunkEntry(_buffer, entity, id, json);
        _count++;
        if (_buffer.Length >= ReplicaJournal.ChunkBytes)
        {
            WriteChunk();
        }
    }

    /// <summary>Writes the last chunk; the caller then appends the end record with the state change.</summary>
    public void Finish()
    {
        if (_chunk >= 0)
        {
            WriteChunk();
        }
    }

    public void End(ulong cursor, IReadOnlyCollection<string> confirmed)
    {
        _journal.AppendSnapshotEnd(Id, cursor, confirmed);
        _ended = true;
    }

    public void Dispose()
    {
        if (!_ended)
        {
            _ended = true;
            _journal.AbandonSnapshot();
        }
    }

    private void WriteChunk()
    {
        JournalRecords.EndChunk(_buffer, _chunk, _count);
        _journal.AppendChunk(_buffer.WrittenSpan);
        _buffer.Clear();
        (_chunk, _count) = (-1, 0);
    }
}
