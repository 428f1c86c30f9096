using System.Text.Json.Serialization;
using ViewSync.Mutators;

namespace ViewSync.LargeScope.Host;

/// <summary>A large entity: <see cref="Body"/> is a deterministic pseudo-random text of a chosen length.</summary>
[SyncEntity("blob")]
public sealed record Blob(string Id, int Index, string Body);

/// <summary>The seeding mutator: the server generates the value itself, so seeding pushes are tiny.</summary>
public static class LargeMutators
{
    /// <summary>Writes blob <paramref name="index"/> with a body of <paramref name="size"/> characters.</summary>
    [Mutator("blob.seed")]
    public static void Seed(LargeDb.Tx tx, int index, int size) => tx.Blobs.Put(LargeWorkload.Make(index, size));
}

[JsonSerializable(typeof(Blob))]
internal sealed partial class LargeJson : JsonSerializerContext;

/// <summary>The large-scope test's database.</summary>
[SyncDatabase(typeof(LargeJson))]
public sealed partial class LargeDb;

/// <summary>What the large-scope test seeds: ids, sizes and bodies, all reproducible from the index.</summary>
public static class LargeWorkload
{
    /// <summary>The scope of ≥ 200 MiB.</summary>
    public const string LargeScope = "large";

    /// <summary>A small scope used to warm both processes up (JIT, pools, connections) before the baseline.</summary>
    public const string WarmScope = "warm";

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>The id of blob <paramref name="index"/>; ids sort in index order.</summary>
    public static string Id(int index) => $"b{index:D5}";

    /// <summary>Sizes spread evenly from <paramref name="average"/>/2 to 3/2 × <paramref name="average"/>, in a scrambled order.</summary>
    public static int Size(int index, int average) => (average / 2) + (int)((uint)(index * 7919) % (uint)average);

    /// <summary>Blob <paramref name="index"/> with a body of <paramref name="size"/> characters (all plain ASCII: no JSON escapes).</summary>
    public static Blob Make(int index, int size) => new(Id(index), index, string.Create(size, index, static (span, seed) =>
    {
        var x = ((uint)seed * 2654435761u) | 1u;
        for (var i = 0; i < span.Length; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            span[i] = Alphabet[(int)(x & 63)];
        }
    }));
}
