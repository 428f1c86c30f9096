using System.Buffers.Binary;
using ViewSync.Mutations;

namespace ViewSync.Persistence;

/// <summary>
/// The journal's on-disk format.
/// </summary>
/// <remarks>
/// <code>
/// file   = header record*
/// header = "VSJL" version:u32                      (8 bytes)
/// record = length:u32 crc:u32 payload[length]      (little-endian)
/// payload = kind:u8 body                           (see JournalRecordKind)
/// </code>
/// <c>crc</c> is the CRC-32C of the length field followed by the payload, so a damaged length is
/// caught as well. Strings are a u32 UTF-8 byte count followed by the bytes.
/// </remarks>
internal static class JournalFormat
{
    public const int HeaderLength = 8;
    public const int RecordHeaderLength = 8;
    public const uint Version = 1;

    /// <summary>Larger records are taken as damage: no real record comes near it, and it bounds allocation.</summary>
    public const int MaxPayloadLength = 256 * 1024 * 1024;

    public static ReadOnlySpan<byte> Magic => "VSJL"u8;

    public static void WriteHeader(ByteBuffer buffer)
    {
        buffer.WriteBytes(Magic);
        buffer.WriteUInt32(Version);
    }

    public static bool IsValidHeader(ReadOnlySpan<byte> file) =>
        file.Length >= HeaderLength
        && file[..4].SequenceEqual(Magic)
        && BinaryPrimitives.ReadUInt32LittleEndian(file[4..]) == Version;

    public static int WriteMeta(ByteBuffer buffer, string clientId, ulong lastSeq)
    {
        var start = Begin(buffer, JournalRecordKind.Meta);
        buffer.WriteString(clientId);
        buffer.WriteUInt64(lastSeq);
        return End(buffer, start);
    }

    public static int WriteAppend(ByteBuffer buffer, Mutation mutation)
    {
        var start = Begin(buffer, JournalRecordKind.Append);
        MutationJson.Write(buffer, mutation, includeLocalFields: true);
        return End(buffer, start);
    }

    public static int WriteRemove(ByteBuffer buffer, IReadOnlyCollection<string> ids)
    {
        var start = Begin(buffer, JournalRecordKind.Remove);
        buffer.WriteUInt32((uint)ids.Count);
        foreach (var id in ids)
        {
            buffer.WriteString(id);
        }

        return End(buffer, start);
    }

    public static int WriteCursor(ByteBuffer buffer, ulong storeGeneration, ulong cursor)
    {
        var start = Begin(buffer, JournalRecordKind.Cursor);
        buffer.WriteUInt64(storeGeneration);
        buffer.WriteUInt64(cursor);
        return End(buffer, start);
    }

    public static int WriteClear(ByteBuffer buffer, ulong storeGeneration)
    {
        var start = Begin(buffer, JournalRecordKind.Clear);
        buffer.WriteUInt64(storeGeneration);
        return End(buffer, start);
    }

    /// <summary>The checksum stored in a record header.</summary>
    public static uint Checksum(ReadOnlySpan<byte> lengthField, ReadOnlySpan<byte> payload) =>
        Crc32C.Append(Crc32C.Compute(lengthField), payload);

    private static int Begin(ByteBuffer buffer, JournalRecordKind kind)
    {
        var start = buffer.Length;
        buffer.WriteUInt64(0); // length and checksum, filled in by End
        buffer.WriteByte((byte)kind);
        return start;
    }

    private static int End(ByteBuffer buffer, int start)
    {
        var record = buffer.WrittenSpanForPatching[start..];
        var payloadLength = record.Length - RecordHeaderLength;
        if (payloadLength > MaxPayloadLength)
        {
            throw new ArgumentException($"A journal record of {payloadLength} bytes is larger than the limit of {MaxPayloadLength} bytes; keep mutation arguments smaller.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Checksum(record[..4], record[RecordHeaderLength..]));
        return record.Length;
    }
}
