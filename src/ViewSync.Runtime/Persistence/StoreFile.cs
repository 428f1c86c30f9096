using System.Buffers.Binary;
using ViewSync.Store;

namespace ViewSync.Persistence;

/// <summary>
/// The store file's on-disk format, and reading it back.
/// </summary>
/// <remarks>
/// <code>
/// file    = "VSST" version:u32 generation:u64 cursor:u64 payloadLength:u64 payload crc:u32
/// payload = typeCount:u32 (name:string count:u32 (id:string json:bytes)*)*
/// </code>
/// All little-endian; strings and bytes are u32-length-prefixed; <c>crc</c> is the CRC-32C of everything
/// before it. The file is only ever replaced whole (write to a temporary file, flush, rename), so a
/// reader sees the old file or the new one; the checksum catches damage after the fact. The generation
/// is a random number that ties journal cursor records to the store file they belong to.
/// </remarks>
internal static class StoreFile
{
    public const int HeaderLength = 32;
    public const uint Version = 1;

    public static ReadOnlySpan<byte> Magic => "VSST"u8;

    public static void Write(ByteBuffer buffer, StoreSnapshot snapshot, ulong generation, ulong cursor)
    {
        buffer.Clear();
        buffer.WriteBytes(Magic);
        buffer.WriteUInt32(Version);
        buffer.WriteUInt64(generation);
        buffer.WriteUInt64(cursor);
        buffer.WriteUInt64(0); // payload length, filled in below
        buffer.WriteUInt32((uint)snapshot.Entities.Count);
        foreach (var (entity, ids) in snapshot.Entities)
        {
            buffer.WriteString(entity);
            buffer.WriteUInt32((uint)ids.Count);
            foreach (var (id, json) in ids)
            {
                buffer.WriteString(id);
                buffer.WriteSizedBytes(json.Span);
            }
        }

        var bytes = buffer.WrittenSpanForPatching;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], (ulong)(bytes.Length - HeaderLength));
        buffer.WriteUInt32(Crc32C.Compute(buffer.WrittenSpan));
    }

    /// <summary>Reads a whole store file. Never throws for bad data: it returns a problem instead.</summary>
    public static bool TryRead(ReadOnlySpan<byte> file, string path, out ulong generation, out ulong cursor, out StoreSnapshot snapshot, out PersistenceProblem? problem)
    {
        generation = 0;
        cursor = 0;
        snapshot = StoreSnapshot.Empty;
        problem = null;
        try
        {
            if (file.Length < HeaderLength + 4 || !file[..4].SequenceEqual(Magic))
            {
                throw new InvalidDataException("the file is not a ViewSync store file (bad header)");
            }

            var header = new BinaryCursor(file[4..HeaderLength]);
            var version = header.ReadUInt32();
            var fileGeneration = header.ReadUInt64();
            var fileCursor = header.ReadUInt64();
            var payloadLength = header.ReadUInt64();
            if (version != Version)
            {
                throw new InvalidDataException($"the store file has format version {version}; this ViewSync reads version {Version}");
            }

            if (payloadLength != (ulong)(file.Length - HeaderLength - 4))
            {
                throw new InvalidDataException($"the header announces {payloadLength} payload bytes but the file holds {file.Length - HeaderLength - 4} (truncated or extended)");
            }

            var stored = BinaryPrimitives.ReadUInt32LittleEndian(file[^4..]);
            if (Crc32C.Compute(file[..^4]) != stored)
            {
                throw new InvalidDataException("the store file fails its checksum");
            }

            var reader = new BinaryCursor(file[HeaderLength..^4]);
            var builder = new StoreSnapshot.Builder();
            var types = reader.ReadCount();
            for (var t = 0; t < types; t++)
            {
                var entity = reader.ReadString();
                var count = reader.ReadCount();
                for (var i = 0; i < count; i++)
                {
                    var id = reader.ReadString();
                    builder.Add(entity, id, reader.ReadSizedBytes());
                }
            }

            if (reader.Remaining != 0)
            {
                throw new InvalidDataException($"{reader.Remaining} unexpected bytes after the entities");
            }

            generation = fileGeneration;
            cursor = fileCursor;
            snapshot = builder.Build();
            return true;
        }
        catch (InvalidDataException e)
        {
            problem = new PersistenceProblem(
                PersistenceProblemKind.StoreCorrupt, path, 0, file.Length,
                $"{e.Message}; the store was dropped and the cursor reset to 0 so the client takes a new snapshot");
            return false;
        }
    }
}
