namespace ViewSync.Persistence;

/// <summary>One piece of damage found while loading, and what was lost because of it.</summary>
/// <param name="Kind">What kind of damage it is.</param>
/// <param name="Location">Where the damaged journal is (a file path, or a storage key prefix).</param>
/// <param name="Offset">The byte offset in the journal where the damage starts.</param>
/// <param name="DroppedBytes">How many bytes from <paramref name="Offset"/> on could not be used.</param>
/// <param name="Description">What was wrong and what it cost, in words, for logs.</param>
/// <param name="PreservedCopy">Where the original, damaged journal was kept before it was rewritten; null when no copy could be made.</param>
public sealed record PersistenceProblem(PersistenceProblemKind Kind, string Location, long Offset, long DroppedBytes, string Description, string? PreservedCopy = null)
{
    /// <summary>Describes the problem for logs.</summary>
    /// <returns>For example <c>JournalCorrupt in /data/journal.vsj at 4096 (120 bytes dropped): a record fails its checksum</c>.</returns>
    public override string ToString() =>
        $"{Kind} in {Location} at {Offset} ({DroppedBytes} bytes dropped): {Description}" + (PreservedCopy is null ? "" : $" (the original is kept at {PreservedCopy})");
}
