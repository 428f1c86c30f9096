namespace ViewSync.Persistence;

/// <summary>The kinds of damage a load can find.</summary>
public enum PersistenceProblemKind
{
    /// <summary>
    /// The journal ends with an incomplete or damaged record and nothing intact follows it. That is what
    /// a power loss in the middle of a write leaves: the record's change had not been confirmed as
    /// durable, and every record before it was kept. The state is consistent, so the cursor is kept.
    /// </summary>
    JournalTornTail = 1,

    /// <summary>
    /// A damaged region inside the journal was skipped; every intact record before and after it was kept.
    /// Whatever the region held is lost (the description says how many bytes), so the confirmed state may
    /// miss a page: the cursor is reset to 0 and the client takes a new snapshot, while the pending
    /// mutations that were read are kept (pushing one twice is harmless: the server deduplicates by id).
    /// </summary>
    JournalCorrupt = 2,

    /// <summary>
    /// The journal is missing although the location shows it was used before (for example, its lock file or
    /// an earlier copy is there). The client starts empty with a new client id; mutations that were pending
    /// in the lost journal are gone.
    /// </summary>
    JournalMissing = 5,

    /// <summary>The journal's file is not a ViewSync journal (another program's file, or a newer format). It was kept aside and a new journal started.</summary>
    JournalForeign = 6,
}
