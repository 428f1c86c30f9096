using System.Collections.Immutable;
using ViewSync.Mutators;
using ViewSync.Store;

namespace ViewSync;

/// <summary>
/// The state the server confirmed, as persistent (immutable) maps: applying a page costs O(k log n)
/// for k changes, and <see cref="Image"/> hands out a consistent copy in O(1), so the journal can
/// write a compacted file from it in the background while pages keep arriving.
/// </summary>
/// <remarks>Not thread-safe: the <see cref="Replica"/> guards it. An <see cref="Image"/> is immutable and may be read anywhere.</remarks>
internal sealed class ConfirmedState : IEntityReader
{
    private static readonly ImmutableSortedDictionary<string, ReadOnlyMemory<byte>> EmptyType =
        ImmutableSortedDictionary.Create<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);

    private static readonly ImmutableDictionary<string, ImmutableSortedDictionary<string, ReadOnlyMemory<byte>>> EmptyTypes =
        ImmutableDictionary.Create<string, ImmutableSortedDictionary<string, ReadOnlyMemory<byte>>>(StringComparer.Ordinal);

    public ConfirmedState() => Image = new ConfirmedImage(EmptyTypes);

    /// <summary>The current state; immutable, so it stays valid while the state moves on.</summary>
    public ConfirmedImage Image { get; private set; }

    public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
    {
        if (Image.Types.TryGetValue(entity, out var ids) && ids.TryGetValue(id, out json))
        {
            return true;
        }

        json = default;
        return false;
    }

    public IReadOnlyList<string> Ids(string entity) =>
        Image.Types.TryGetValue(entity, out var ids) ? [.. ids.Keys] : [];

    /// <summary>Applies writes in order; values must be bytes nobody will change (the state keeps them).</summary>
    public void Apply(IEnumerable<EntityWrite> writes)
    {
        var types = Image.Types.ToBuilder();
        var builders = new Dictionary<string, ImmutableSortedDictionary<string, ReadOnlyMemory<byte>>.Builder>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            if (!builders.TryGetValue(write.Entity, out var ids))
            {
                ids = (types.TryGetValue(write.Entity, out var existing) ? existing : EmptyType).ToBuilder();
                builders.Add(write.Entity, ids);
            }

            if (write.Json is { } json)
            {
                ids[write.Id] = json;
            }
            else
            {
                ids.Remove(write.Id);
            }
        }

        foreach (var (entity, ids) in builders)
        {
            if (ids.Count == 0)
            {
                types.Remove(entity);
            }
            else
            {
                types[entity] = ids.ToImmutable();
            }
        }

        Image = new ConfirmedImage(types.ToImmutable());
    }

    /// <summary>Replaces everything.</summary>
    public void Load(ConfirmedImage image) => Image = image;

    /// <summary>An image built from entity name → id → JSON (the values are kept, not copied).</summary>
    public static ConfirmedImage Build(IEnumerable<KeyValuePair<string, Dictionary<string, ReadOnlyMemory<byte>>>> entities)
    {
        var types = EmptyTypes.ToBuilder();
        foreach (var (entity, ids) in entities)
        {
            if (ids.Count > 0)
            {
                types[entity] = ids.ToImmutableSortedDictionary(StringComparer.Ordinal);
            }
        }

        return new ConfirmedImage(types.ToImmutable());
    }

    public static ConfirmedImage Empty { get; } = new(EmptyTypes);
}
