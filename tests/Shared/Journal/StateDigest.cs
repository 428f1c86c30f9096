using System.Security.Cryptography;
using System.Text;
using ViewSync.Store;

namespace ViewSync.Tests.Journal;

/// <summary>A short digest of a state (entity, id, JSON), to compare states across processes.</summary>
internal static class StateDigest
{
    public static string Of(IEnumerable<(string Entity, string Id, ReadOnlyMemory<byte> Json)> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (entity, id, json) in entries.OrderBy(e => e.Entity, StringComparer.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{entity}\0{id}\0"));
            hash.AppendData(json.Span);
            hash.AppendData("\n"u8);
        }

        return Convert.ToHexString(hash.GetHashAndReset())[..16];
    }

    public static string Of(StoreSnapshot snapshot) =>
        Of(snapshot.Entities.SelectMany(t => t.Value.Select(e => (t.Key, e.Key, e.Value))));

    public static string Of(IReadOnlyDictionary<(string Entity, string Id), byte[]> state) =>
        Of(state.Select(e => (e.Key.Entity, e.Key.Id, (ReadOnlyMemory<byte>)e.Value)));
}
