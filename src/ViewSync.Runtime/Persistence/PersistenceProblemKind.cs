namespace ViewSync.Persistence;

/// <summary>The kinds of damage a load can find.</summary>
public enum PersistenceProblemKind
{
    /// <summary>
    /// The journal ends with an incomplete record, as a crash in the middle of a write leaves it. The
    /// write had not completed, so nothing acknowledged was lost.
    /// </summary>
    JournalTornTail = 1,

    /// <summary>
    /// A journal record (or the file header) failed its checksum or could not be decoded. That record and
    /// everything after it were dropped.
    /// </summary>
    JournalCorrupt = 2,

    /// <summary>The store file failed its checksum or could not be decoded: the store was dropped and the cursor reset to 0.</summary>
    StoreCorrupt = 3,

    /// <summary>The journal refers to a store file that is missing: the cursor was reset to 0.</summary>
    StoreMissing = 4,
}
