namespace ViewSync.Persistence;

/// <summary>Tuning for <see cref="FilePersistence"/>.</summary>
public sealed class FilePersistenceOptions
{
    /// <summary>The default <see cref="CompactionThresholdBytes"/>: 1 MiB.</summary>
    public const long DefaultCompactionThresholdBytes = 1024 * 1024;

    /// <summary>
    /// The journal is rewritten with only its live records once it is at least this long and more
    /// than half of it is records that no longer matter (removed mutations, old cursors).
    /// Smaller values keep the file small at the cost of more rewrites. Default: 1 MiB.
    /// </summary>
    public long CompactionThresholdBytes { get; init; } = DefaultCompactionThresholdBytes;
}
