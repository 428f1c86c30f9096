using System.Buffers.Binary;
using System.Text;

namespace ViewSync.Persistence;

/// <summary>
/// Reads the little-endian values <see cref="ByteBuffer"/> writes, with bounds checks: any read past
/// the end or any invalid UTF-8 throws <see cref="InvalidDataException"/>, which loaders treat as
/// corruption.
/// </summary>
internal ref struct BinaryCursor(ReadOnlySpan<byte> data)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public byte ReadByte() => Take(1)[0];

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public ReadOnlySpan<byte> ReadSizedBytes() => Take(ReadCount());

    public ReadOnlySpan<byte> ReadRest() => Take(Remaining);

    public string ReadString()
    {
        var bytes = ReadSizedBytes();
        try
        {
            return Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException("A string is not valid UTF-8.", e);
        }
    }

    /// <summary>Reads a string, returning <paramref name="previous"/> itself when the bytes spell it (entity names repeat on every row).</summary>
    public string ReadString(ref string? previous)
    {
        var start = Position;
        var bytes = ReadSizedBytes();
        if (previous is not null && bytes.Length == previous.Length && Ascii.Equals(bytes, previous))
        {
            return previous;
        }

        Position = start;
        return previous = ReadString();
    }

    /// <summary>Reads a u32 count and checks it fits in what is left, so a corrupt count cannot trigger a huge allocation.</summary>
    public int ReadCount()
    {
        var count = ReadUInt32();
        if (count > (uint)Remaining)
        {
            throw new InvalidDataException($"A count of {count} is larger than the {Remaining} bytes left.");
        }

        return (int)count;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new InvalidDataException($"Expected {count} more bytes at offset {Position} but only {Remaining} are left.");
        }

        var slice = _data.Slice(Position, count);
        Position += count;
        return slice;
    }
}
