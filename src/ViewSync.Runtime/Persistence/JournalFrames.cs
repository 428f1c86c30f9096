using System.Buffers.Binary;

namespace ViewSync.Persistence;

/// <summary>
/// The journal's framing: a header, then self-delimiting, checksummed frames, each holding one record.
/// </summary>
/// <remarks>
/// <code>
/// journal = "VSJL" version:u32 frame*                       (version 2; little-endian)
/// frame   = marker:4 length:u32 crc:u32 payload[length]
/// payload = kind:u8 body                                     (see JournalRecordKind)
/// </code>
/// <para><c>crc</c> is the CRC-32C of the length field and the payload, so a damaged length is caught.
/// The marker <c>F5 56 53 4A</c> starts with a byte that never occurs in UTF-8 (and so in JSON), which
/// lets a reader that met damage find the next frame quickly and keep every intact record after it.</para>
/// </remarks>
internal static class JournalFrames
{
    public const int HeaderLength = 8;
    public const int FrameHeaderLength = 12;
    public const uint Version = 2;

    /// <summary>Larger frames are taken as damage: no real record comes near it, and it bounds allocation.</summary>
    public const int MaxPayloadLength = 256 * 1024 * 1024;

    public static ReadOnlySpan<byte> Magic => "VSJL"u8;

    public static ReadOnlySpan<byte> Marker => [0xF5, 0x56, 0x53, 0x4A];

    public static void WriteHeader(ByteBuffer buffer)
    {
        buffer.WriteBytes(Magic);
        buffer.WriteUInt32(Version);
    }

    /// <summary>The header's version, or null when <paramref name="log"/> does not start with a journal header.</summary>
    public static uint? ReadVersion(ReadOnlySpan<byte> log) =>
        log.Length >= HeaderLength && log[..4].SequenceEqual(Magic) ? BinaryPrimitives.ReadUInt32LittleEndian(log[4..]) : null;

    /// <summary>Starts a frame of <paramref name="kind"/>; write the body, then call <see cref="End"/>.</summary>
    public static int Begin(ByteBuffer buffer, JournalRecordKind kind)
    {
        var start = buffer.Length;
        buffer.WriteBytes(Marker);
        buffer.WriteUInt64(0); // length and checksum, filled in by End
        buffer.WriteByte((byte)kind);
        return start;
    }

    /// <summary>Closes the frame begun at <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentException">The record is larger than <see cref="MaxPayloadLength"/>.</exception>
    public static void End(ByteBuffer buffer, int start)
    {
        var frame = buffer.WrittenSpanForPatching[start..];
        var payloadLength = frame.Length - FrameHeaderLength;
        if (payloadLength > MaxPayloadLength)
        {
            throw new ArgumentException($"A journal record of {payloadLength} bytes is larger than the limit of {MaxPayloadLength} bytes; keep mutation arguments and entities smaller.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[8..], Checksum(frame[4..8], frame[FrameHeaderLength..]));
    }

    /// <summary>
    /// Checks the frame at <paramref name="offset"/>: the payload's offset and length when it is whole
    /// and intact; otherwise why not, and whether it is cut short by the end of the log.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> log, int offset, out int payloadOffset, out int payloadLength, out bool truncated, out string? error)
    {
        payloadOffset = offset + FrameHeaderLength;
        payloadLength = 0;
        truncated = false;
        error = null;
        var rest = log[offset..];
        if (rest.Length < FrameHeaderLength)
        {
            truncated = rest.Length == 0 || Marker.StartsWith(rest[..Math.Min(rest.Length, Marker.Length)]);
            error = "the log ends inside a record header";
            return false;
        }

        if (!rest[..4].SequenceEqual(Marker))
        {
            error = "a record does not start with the record marker";
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
        if (length == 0 || length > MaxPayloadLength)
        {
            error = $"a record claims an invalid length of {length} bytes";
            return false;
        }

        if (length > (uint)(rest.Length - FrameHeaderLength))
        {
            truncated = true;
            error = $"a record claims {length} bytes but only {rest.Length - FrameHeaderLength} remain";
            return false;
        }

        var payload = rest.Slice(FrameHeaderLength, (int)length);
        if (Checksum(rest[4..8], payload) != BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]))
        {
            error = "a record fails its checksum";
            return false;
        }

        payloadLength = (int)length;
        return true;
    }

    /// <summary>The offset of the next intact frame after <paramref name="from"/>, or -1.</summary>
    public static int FindNext(ReadOnlySpan<byte> log, int from)
    {
        var offset = from;
        while (offset < log.Length)
        {
            var found = log[offset..].IndexOf(Marker);
            if (found < 0)
            {
                return -1;
            }

            offset += found;
            if (TryRead(log, offset, out _, out _, out _, out _))
            {
                return offset;
            }

            offset++;
        }

        return -1;
    }

    private static uint Checksum(ReadOnlySpan<byte> lengthField, ReadOnlySpan<byte> payload) =>
        Crc32C.Append(Crc32C.Compute(lengthField), payload);
}
