namespace ViewSync.Persistence;

/// <summary>How a replica's journal trades durability against cost.</summary>
public sealed class JournalOptions
{
    /// <summary>The default <see cref="FlushWindow"/>: 10 ms.</summary>
    public static readonly TimeSpan DefaultFlushWindow = TimeSpan.FromMilliseconds(10);

    /// <summary>The default <see cref="CompactionThresholdBytes"/>: 1 MiB.</summary>
    public const long DefaultCompactionThresholdBytes = 1024 * 1024;

    /// <summary>
    /// How long a record may wait before it is flushed to disk. Every record reaches the operating system
    /// before the call that made it returns, so killing the process never loses it; this window only
    /// bounds what a power loss can take, and lets one flush cover many records. Zero flushes after every
    /// record (still in the background). <c>FlushAsync</c> waits for a flush at once. Default: 10 ms.
    /// </summary>
    public TimeSpan FlushWindow { get; init; } = DefaultFlushWindow;

    /// <summary>
    /// The journal is compacted (rewritten with only the current state, in the background) once it is at
    /// least this long and twice as long as after its last compaction. Default: 1 MiB.
    /// </summary>
    public long CompactionThresholdBytes { get; init; } = DefaultCompactionThresholdBytes;

    internal void Validate()
    {
        if (FlushWindow < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FlushWindow), FlushWindow, "JournalOptions.FlushWindow must be zero or more.");
        }

        if (CompactionThresholdBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionThresholdBytes), CompactionThresholdBytes, "JournalOptions.CompactionThresholdBytes must be zero or more.");
        }
    }
}
