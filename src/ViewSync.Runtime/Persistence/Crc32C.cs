using System.Buffers.Binary;
using System.Numerics;

namespace ViewSync.Persistence;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of journal records and store files. Built on
/// <see cref="BitOperations.Crc32C(uint, ulong)"/>, which uses the CPU's CRC instructions when it has them,
/// so no hashing package is needed.
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Extends the finished CRC of some bytes with more bytes: <c>Append(Compute(a), b) == Compute(a + b)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }
}
