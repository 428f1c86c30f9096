namespace ViewSync.Persistence;

/// <summary>The kinds of damage a load can find.</summary>
public enum PersistenceProblemKind
{
    /// <summary>
    /// The journal ends with an incomplete record. That is what a crash in the middle of a write leaves,
    /// and then nothing acknowledged was lost (the write had not completed); a damaged length field
    /// that points past the end of the file looks the same, though.
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
