using System.Globalization;
using System.Security.Cryptography;

namespace ViewSync.Mutations;

/// <summary>Makes the ids the protocol uses for mutations and clients.</summary>
/// <remarks>
/// A mutation id is 128 bits as 32 lowercase hex digits (the protocol's format). A client derives it from its
/// 64-bit client id and the mutation's 64-bit sequence number (<see cref="FromClientAndSequence"/>): unique across
/// clients because client ids are random, and across restarts because the journal never hands out a sequence
/// number twice under one client id (it reserves them durably, see <see cref="Replica"/>). No random number is
/// drawn per mutation.
/// </remarks>
public static class MutationIds
{
    /// <summary>The length of a mutation id: 128 bits as lowercase hex.</summary>
    public const int MutationIdLength = 32;

    /// <summary>The length of a client id: 64 bits as lowercase hex.</summary>
    public const int ClientIdLength = 16;

    /// <summary>Returns a new mutation id: 128 random bits from a cryptographic generator, as 32 lowercase hex digits.</summary>
    /// <returns>For example <c>7f3c0a9e5b2d4c1f8e6a7b9c0d1e2f3a</c>.</returns>
    /// <remarks>For mutations made outside a client; a client uses <see cref="FromClientAndSequence"/>.</remarks>
    public static string NewMutationId() => RandomHex(MutationIdLength / 2);

    /// <summary>
    /// Returns a new client id: 64 random bits as 16 lowercase hex digits. A client id is created once
    /// per installation and kept by the persistence layer.
    /// </summary>
    /// <returns>For example <c>a1b2c3d4e5f60718</c>.</returns>
    public static string NewClientId() => RandomHex(ClientIdLength / 2);

    /// <summary>
    /// The id of a client's mutation: the client id's 16 hex digits followed by the sequence number as 16 hex
    /// digits, 32 lowercase hex digits in all. A client id that is not 16 hex digits (one given by hand) is first
    /// reduced to 64 bits by a hash (<see cref="ClientIdPrefix"/>).
    /// </summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="seq">The mutation's sequence number for that client.</param>
    /// <returns>For example <c>a1b2c3d4e5f60718000000000000002a</c> for sequence number 42.</returns>
    /// <exception cref="ArgumentException"><paramref name="clientId"/> is null or empty.</exception>
    public static string FromClientAndSequence(string clientId, ulong seq) => FromPrefix(ClientIdPrefix(clientId), seq);

    /// <summary>The 16 lowercase hex digits a client's mutation ids start with: the client id itself when it is 16 hex digits, else a 64-bit hash of it (FNV-1a over its UTF-16 code units).</summary>
    /// <param name="clientId">The client id.</param>
    /// <returns>16 lowercase hex digits.</returns>
    /// <exception cref="ArgumentException"><paramref name="clientId"/> is null or empty.</exception>
    public static string ClientIdPrefix(string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        if (clientId.Length == ClientIdLength && IsLowerHex(clientId))
        {
            return clientId;
        }

        var hash = 14695981039346656037UL;
        foreach (var c in clientId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>The id for <paramref name="seq"/> under a prefix from <see cref="ClientIdPrefix"/> (one allocation: the string).</summary>
    internal static string FromPrefix(string prefix, ulong seq) =>
        string.Create(MutationIdLength, (prefix, seq), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            // Sixteen nibbles by hand: formatting with "x16" parses the format string on every mutation.
            var digits = span[ClientIdLength..];
            var value = state.seq;
            for (var i = digits.Length - 1; i >= 0; i--)
            {
                digits[i] = LowerHexDigits[(int)(value & 0xF)];
                value >>= 4;
            }
        });

    private static ReadOnlySpan<char> LowerHexDigits => "0123456789abcdef";

    private static bool IsLowerHex(string value)
    {
        foreach (var c in value)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static string RandomHex(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buffer);
        return Convert.ToHexStringLower(buffer);
    }
}
