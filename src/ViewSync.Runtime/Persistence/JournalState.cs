using ViewSync.Mutations;

namespace ViewSync.Persistence;

/// <summary>
/// The live state a journal describes. Replaying a journal and writing to it both go through the
/// <c>Apply…</c> methods, so what is on disk and what is in memory cannot drift apart. It also counts
/// the bytes of the records that still matter, which decides when to compact.
/// </summary>
/// <remarks>Not thread-safe: <see cref="FilePersistence"/> guards it.</remarks>
internal sealed class JournalState
{
    private readonly Dictionary<string, int> _recordSizes = new(StringComparer.Ordinal);
    private long _pendingBytes;
    private int _metaBytes;
    private int _cursorBytes;

    public string? ClientId { get; private set; }

    public ulong LastSeq { get; private set; }

    /// <summary>The store file generation <see cref="Cursor"/> belongs to; 0 means "no store file".</summary>
    public ulong StoreGeneration { get; private set; }

    public ulong Cursor { get; private set; }

    public MutationQueue Pending { get; } = new();

    /// <summary>Store generations cleared while their file may still exist; such a file must be ignored.</summary>
    public HashSet<ulong> ClearedGenerations { get; } = [];

    /// <summary>The size a journal holding only the live records would have.</summary>
    public long LiveBytes => JournalFormat.HeaderLength + _metaBytes + _cursorBytes + _pendingBytes;

    public void ApplyMeta(string clientId, ulong lastSeq, int recordSize)
    {
        ClientId = clientId;
        LastSeq = Math.Max(LastSeq, lastSeq);
        _metaBytes = recordSize;
    }

    public void ApplyAppend(Mutation mutation, int recordSize)
    {
        LastSeq = Math.Max(LastSeq, mutation.Seq);
        if (_recordSizes.TryAdd(mutation.Id, recordSize))
        {
            Pending.Push(mutation);
            _pendingBytes += recordSize;
        }
    }

    public void ApplyRemove(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            if (_recordSizes.Remove(id, out var size))
            {
                Pending.Remove(id);
                _pendingBytes -= size;
            }
        }
    }

    public void ApplyCursor(ulong storeGeneration, ulong cursor, int recordSize)
    {
        StoreGeneration = storeGeneration;
        Cursor = cursor;
        _cursorBytes = recordSize;
    }

    public void ApplyClear(ulong storeGeneration)
    {
        Pending.Clear();
        _recordSizes.Clear();
        _pendingBytes = 0;
        StoreGeneration = 0;
        Cursor = 0;
        _cursorBytes = 0;
        if (storeGeneration != 0)
        {
            ClearedGenerations.Add(storeGeneration);
        }
    }

    /// <summary>Sets the cursor without a journal record of its own, for a store file that carries its cursor.</summary>
    public void SetStore(ulong storeGeneration, ulong cursor)
    {
        StoreGeneration = storeGeneration;
        Cursor = cursor;
    }

    /// <summary>Writes a journal holding only the live state: what compaction produces.</summary>
    public void WriteCompacted(ByteBuffer buffer)
    {
        buffer.Clear();
        JournalFormat.WriteHeader(buffer);
        _metaBytes = JournalFormat.WriteMeta(buffer, ClientId!, LastSeq);
        foreach (var generation in ClearedGenerations)
        {
            JournalFormat.WriteClear(buffer, generation);
        }

        _cursorBytes = StoreGeneration != 0 || Cursor != 0 ? JournalFormat.WriteCursor(buffer, StoreGeneration, Cursor) : 0;
        foreach (var mutation in Pending.Pending())
        {
            JournalFormat.WriteAppend(buffer, mutation);
        }
    }
}
