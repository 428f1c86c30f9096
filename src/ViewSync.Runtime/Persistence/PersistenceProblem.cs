namespace ViewSync.Persistence;

/// <summary>One piece of damage found while loading, and what was dropped because of it.</summary>
/// <param name="Kind">What kind of damage it is.</param>
/// <param name="File">The full path of the damaged file.</param>
/// <param name="Offset">The byte offset where the damage starts; everything before it was loaded.</param>
/// <param name="DroppedBytes">How many bytes, from <paramref name="Offset"/> on, could not be used.</param>
/// <param name="Description">What was wrong, in words, for logs.</param>
public sealed record PersistenceProblem(PersistenceProblemKind Kind, string File, long Offset, long DroppedBytes, string Description)
{
    /// <summary>Describes the problem for logs.</summary>
    /// <returns>For example <c>JournalCorrupt in /data/journal.vsj at 4096 (120 bytes dropped): checksum mismatch</c>.</returns>
    public override string ToString() => $"{Kind} in {File} at {Offset} ({DroppedBytes} bytes dropped): {Description}";
}
