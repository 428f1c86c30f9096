using System.Text.Json;
using System.Text.Json.Serialization;
using ViewSync.Mutators;

namespace ViewSync.Cluster.Host;

/// <summary>
/// A tally of the three-node test: <see cref="Tags"/> records every <c>tally.add</c> that ran for it, in order, so
/// a mutation applied twice shows as a repeated tag and one that was lost as a missing tag.
/// </summary>
[SyncEntity("tally")]
public sealed record Tally(string Id, IReadOnlyList<string> Tags);

/// <summary>A non-idempotent mutator: running it twice leaves a different state than running it once.</summary>
public static class ClusterMutators
{
    /// <summary>Appends <paramref name="tag"/> to the tally, creating it when it does not exist.</summary>
    [Mutator("tally.add")]
    public static void Add(ClusterDb.Tx tx, string id, string tag)
    {
        var tags = tx.Tallies.Get(id)?.Tags ?? [];
        tx.Tallies.Put(new Tally(id, [.. tags, tag]));
    }

    /// <summary>
    /// Kills the node running it (SIGKILL to itself): pushed after other mutations in one batch, the node dies with
    /// their writes made inside the batch's open transaction and its commit not yet run.
    /// </summary>
    [Mutator("node.crash")]
    public static void Crash(ClusterDb.Tx tx, string reason)
    {
        _ = (tx, reason);
        System.Diagnostics.Process.GetCurrentProcess().Kill();
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Tally))]
internal sealed partial class ClusterJson : JsonSerializerContext;

/// <summary>The three-node test's database.</summary>
[SyncDatabase(typeof(ClusterJson))]
public sealed partial class ClusterDb;
