namespace ViewSync.Transport;

/// <summary>What a streamed snapshot ended with, once every entity went to the sink.</summary>
public sealed class SnapshotSummary
{
    /// <summary>The cursor the snapshot is at.</summary>
    public required ulong Cursor { get; init; }

    /// <summary>How many entities went to the sink.</summary>
    public required long Entities { get; init; }
}
