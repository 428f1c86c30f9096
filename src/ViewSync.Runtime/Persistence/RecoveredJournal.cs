using ViewSync.Mutations;

namespace ViewSync.Persistence;

/// <summary>What replaying a journal gives back: the state it describes and the damage met on the way.</summary>
internal sealed class RecoveredJournal
{
    public string? ClientId { get; set; }

    public ulong LastSeq { get; set; }

    public ulong Cursor { get; set; }

    /// <summary>The pending mutations, in queue (journal) order.</summary>
    public MutationQueue Pending { get; } = new();

    /// <summary>The confirmed state: entity → id → JSON.</summary>
    public Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> Confirmed { get; set; } = new(StringComparer.Ordinal);

    public List<PersistenceProblem> Problems { get; } = [];

    /// <summary>Whether the journal held nothing at all (a new installation).</summary>
    public bool IsEmpty { get; set; } = true;

    /// <summary>About how long a freshly compacted journal of this state would be.</summary>
    public long LiveBytes()
    {
        long bytes = 256;
        foreach (var (entity, ids) in Confirmed)
        {
            foreach (var (id, json) in ids)
            {
                bytes += entity.Length + id.Length + json.Length + 12;
            }
        }

        foreach (var mutation in Pending.Pending())
        {
            bytes += System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(mutation.Args).Length + mutation.Name.Length + mutation.Scope.Length + 160;
        }

        return bytes;
    }

    /// <summary>Whether the file should be rewritten (damage, an old format, or a new journal).</summary>
    public bool NeedsRewrite { get; set; }
}
