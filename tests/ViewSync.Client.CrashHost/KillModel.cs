using System.Text.Json.Serialization;
using ViewSync.Mutators;

namespace ViewSync.Client.CrashHost;

/// <summary>
/// An item of the live kill test. <see cref="Total"/> is only ever added to and <see cref="Makes"/> counts how
/// often <c>item.make</c> ran for it, so a mutation applied twice (or not at all) shows in the final state.
/// </summary>
[SyncEntity("item")]
public sealed record KillItem(string Id, long Total, int Makes);

/// <summary>Non-idempotent mutators: running one twice leaves a different state than running it once.</summary>
public static class KillMutators
{
    /// <summary>Creates an item; making it again counts in <see cref="KillItem.Makes"/>.</summary>
    [Mutator("item.make")]
    public static void Make(KillDb.Tx tx, string id)
    {
        var existing = tx.KillItems.Get(id);
        tx.KillItems.Put(new KillItem(id, existing?.Total ?? 0, (existing?.Makes ?? 0) + 1));
    }

    /// <summary>Adds to an existing item's total.</summary>
    [Mutator("item.add")]
    public static void Add(KillDb.Tx tx, string id, long amount)
    {
        var item = tx.KillItems.GetRequired(id);
        tx.KillItems.Put(item with { Total = item.Total + amount });
    }

    /// <summary>Creates the seeded items <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> - 1 (one mutation, many writes: fast seeding).</summary>
    [Mutator("item.seed")]
    public static void Seed(KillDb.Tx tx, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            tx.KillItems.Put(new KillItem(KillWorkload.SeedId(i), 0, 1));
        }
    }
}

[JsonSerializable(typeof(KillItem))]
internal sealed partial class KillJson : JsonSerializerContext;

/// <summary>The crash host's own small database (the live kill test's model).</summary>
[SyncDatabase(typeof(KillJson))]
public sealed partial class KillDb;

/// <summary>What a killed client does, step by step, reproducible from its seed: the test regenerates the step in flight at the kill.</summary>
public static class KillWorkload
{
    /// <summary>Items on the server before any client starts.</summary>
    public const int SeededItems = 50_000;

    /// <summary>The first items, which the client and the second writer both add to often.</summary>
    public const int HotItems = 500;

    public static string SeedId(int index) => $"s{index:D5}";

    /// <summary>A client's step: make item <see cref="Id"/>, or add <see cref="Amount"/> to it.</summary>
    public readonly record struct Step(bool IsMake, string Id, long Amount);

    /// <summary>The steps of one run of the child: <paramref name="run"/> makes ids and amounts unique across runs.</summary>
    public sealed class Steps(int run, int seed)
    {
        private readonly Random _random = new(seed);
        private int _next;

        public Step Next()
        {
            var n = _next++;
            if (_random.Next(3) == 0)
            {
                return new Step(true, $"r{run}-{n}", 0);
            }

            var index = _random.Next(2) == 0 ? _random.Next(HotItems) : _random.Next(SeededItems);
            return new Step(false, SeedId(index), Amount(run, n));
        }

        /// <summary>Unique per (run, step), and never an amount the second writer uses.</summary>
        public static long Amount(int run, int n) => (((long)run + 1) << 24) + n + 1;
    }
}
