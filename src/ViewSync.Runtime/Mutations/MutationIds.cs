using System.Security.Cryptography;

namespace ViewSync.Mutations;

/// <summary>Generates the random ids the protocol uses for mutations and clients.</summary>
public static class MutationIds
{
    /// <summary>The length of a mutation id: 128 bits as lowercase hex.</summary>
    public const int MutationIdLength = 32;

    /// <summary>The length of a client id: 64 bits as lowercase hex.</summary>
    public const int ClientIdLength = 16;

    /// <summary>Returns a new mutation id: 128 random bits from a cryptographic generator, as 32 lowercase hex digits.</summary>
    /// <returns>For example <c>7f3c0a9e5b2d4c1f8e6a7b9c0d1e2f3a</c>.</returns>
    public static string NewMutationId() => RandomHex(MutationIdLength / 2);

    /// <summary>
    /// Returns a new client id: 64 random bits as 16 lowercase hex digits. A client id is created once
    /// per installation and kept by the persistence layer.
    /// </summary>
    /// <returns>For example <c>a1b2c3d4e5f60718</c>.</returns>
    public static string NewClientId() => RandomHex(ClientIdLength / 2);

    private static string RandomHex(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buffer);
        return Convert.ToHexStringLower(buffer);
    }
}
