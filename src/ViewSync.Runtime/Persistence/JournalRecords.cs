using System.Buffers.Binary;
using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Store;

namespace ViewSync.Persistence;

/// <summary>Encodes each kind of journal record (see <see cref="JournalRecordKind"/>) as one frame.</summary>
internal static class JournalRecords
{
    public static void Meta(ByteBuffer buffer, string clientId, ulong lastSeq)
    {
        var start = JournalFrames.Begin(buffer, JournalRecordKind.Meta);
        buffer.WriteString(clientId);
        buffer.WriteUInt64(lastSeq);
        JournalFrames.End(buffer, start);
    }

    public static void Queued(ByteBuffer buffer, Mutation mutation)
    {
        var start = JournalFrames.Begin(buffer, JournalRecordKind.Queued);
        MutationJson.Write(buffer, mutation, includeLocalFields: true);
        JournalFrames.End(buffer, start);
    }

    /// <summary>
    /// <see cref="Queued(ByteBuffer, Mutation)"/> with a writer the caller keeps for <paramref name="buffer"/> (the
    /// same bytes): the journal appends one record per mutation, and a new writer each time is most of what it allocates.
    /// </summary>
    public static void Queued(ByteBuffer buffer, Utf8JsonWriter json, Mutation mutation)
    {
        var start = JournalFrames.Begin(buffer, JournalRecordKind.Queued);
        json.Reset(buffer);
        MutationJson.Write(json, mutation, includeLocalFields: true);
        json.Flush();
        JournalFrames.End(buffer, start);
    }

    public static void Page(ByteBuffer buffer, ulong cursor, IReadOnlyCollection<EntityWrite> writes, IReadOnlyCollection<string> confirmed)
    {
        var start = JournalFrames.Begin(buffer, JournalRecordKind.Page);
        buffer.WriteUInt64(cursor);
        buffer.WriteUInt32((uint)writes.Count);
        foreach (var write in writes)
        {
            buffer.WriteString(write.Entity);
            buffer.WriteString(write.Id);
            if (write.Json is { } json)
            {
                buffer.WriteByte(1);
                buffer.WriteSizedBytes(json.Span);
            }
            else
            {
                buffer.WriteByte(0);
            }
        }

        Ids(buffer, confirmed);
        JournalFrames.End(buffer, start);
    }

    public static void Rejected(ByteBuffer buffer, IReadOnlyCollection<string> ids)
    {
        var start = JournalFrames.Begin(buffer, JournalRecordKind.Rejected);
        Ids(buffer, ids);
        JournalFrames.End(buffer, start);
    }

    public static void SnapshotBegin(ByteBuffer buffer, ulong snapshot)
    {
        var start = JournalFrames.Begin(buffer, JournalRecordKind.SnapshotBegin);
        buffer.WriteUInt64(snapshot);
        JournalFrames.End(buffer, start);
    }

    /// <summary>Starts a chunk; add entries with <see cref="ChunkEntry"/>, then <see cref="EndChunk"/>.</summary>
    public static int BeginChunk(ByteBuffer buffer, ulong snapshot)
    {
        var start = JournalFrames.Begin(buffer, JournalRecordKind.SnapshotChunk);
        buffer.WriteUInt64(snapshot);
        buffer.WriteUInt32(0); // entry count, patched by EndChunk
        return start;
    }

    public static void ChunkEntry(ByteBuffer buffer, string entity, string id, ReadOnlySpan<byte> json)
    {
        buffer.WriteString(entity);
        buffer.WriteString(id);
        buffer.WriteSizedBytes(json);
    }

    public static void EndChunk(ByteBuffer buffer, int start, int count)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.WrittenSpanForPatching[(start + JournalFrames.FrameHeaderLength + 1 + 8)..], (uint)count);
        JournalFrames.End(buffer, start);
    }

    public static void SnapshotEnd(ByteBuffer buffer, ulong snapshot, ulong cursor, IReadOnlyCollection<string> confirmed)
    {
        var start = JournalFrames.Begin(buffer, JournalRecordKind.SnapshotEnd);
        buffer.WriteUInt64(snapshot);
        buffer.WriteUInt64(cursor);
        Ids(buffer, confirmed);
        JournalFrames.End(buffer, start);
    }

    private static void Ids(ByteBuffer buffer, IReadOnlyCollection<string> ids)
    {
        buffer.WriteUInt32((uint)ids.Count);
        foreach (var id in ids)
        {
            buffer.WriteString(id);
        }
    }
}
