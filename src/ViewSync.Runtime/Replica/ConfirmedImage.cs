using System.Collections.Immutable;
using ViewSync.Store;

namespace ViewSync;

/// <summary>An immutable confirmed state: entity name → id (ordinal order) → JSON.</summary>
internal sealed class ConfirmedImage(ImmutableDictionary<string, ImmutableSortedDictionary<string, ReadOnlyMemory<byte>>> types)
{
    public ImmutableDictionary<string, ImmutableSortedDictionary<string, ReadOnlyMemory<byte>>> Types { get; } = types;

    public int Count => Types.Values.Sum(t => t.Count);

    public StoreSnapshot ToSnapshot() =>
        StoreSnapshot.FromImmutable(Types.Select(t => new KeyValuePair<string, IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>>>(t.Key, t.Value)));
}
