using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ViewSync.Persistence;

/// <summary>
/// A growable byte buffer for building journal records and store files. Unlike
/// <see cref="ArrayBufferWriter{T}"/> it lets already written bytes be patched (record headers are
/// filled in once the payload's length and checksum are known).
/// </summary>
internal sealed class ByteBuffer : IBufferWriter<byte>
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private byte[] _bytes;

    public ByteBuffer(int capacity = 256) => _bytes = new byte[Math.Max(capacity, 16)];

    public int Length { get; private set; }

    public int Capacity => _bytes.Length;

    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, Length);

    public Span<byte> WrittenSpanForPatching => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _bytes.Length - Length);
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsSpan(Length);
    }

    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        Length++;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(GetSpan(4), value);
        Length += 4;
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(GetSpan(8), value);
        Length += 8;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Length += bytes.Length;
    }

    /// <summary>Writes a string as its UTF-8 byte count (u32) followed by the bytes.</summary>
    public void WriteString(string value)
    {
        var count = Utf8.GetByteCount(value);
        WriteUInt32((uint)count);
        Length += Utf8.GetBytes(value, GetSpan(count));
    }

    /// <summary>Writes length-prefixed bytes: a u32 count followed by the bytes.</summary>
    public void WriteSizedBytes(ReadOnlySpan<byte> bytes)
    {
        WriteUInt32((uint)bytes.Length);
        WriteBytes(bytes);
    }

    private void Ensure(int sizeHint)
    {
        var needed = (long)Length + Math.Max(sizeHint, 1);
        if (needed <= _bytes.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"The data to persist is larger than the largest possible buffer ({Array.MaxLength} bytes).");
        }

        var size = (int)Math.Min(Math.Max(needed, (long)_bytes.Length * 2), Array.MaxLength);
        Array.Resize(ref _bytes, size);
    }
}
