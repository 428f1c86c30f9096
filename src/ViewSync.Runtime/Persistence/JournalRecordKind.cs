namespace ViewSync.Persistence;

/// <summary>The first byte of a journal record's payload: which state change the record is.</summary>
/// <remarks>Values are never reused: a reader meeting an unknown kind treats the record as damage.</remarks>
internal enum JournalRecordKind : byte
{
    /// <summary>Client id (string) and the last sequence number used (u64). First in every journal.</summary>
    Meta = 1,

    /// <summary>A mutation queued by the app, in its persisted JSON form (wire fields plus client, seq and created_at).</summary>
    Queued = 2,

    /// <summary>
    /// A pulled page applied: the cursor after it (u64), the confirmed writes (count u32, then entity,
    /// id, has-value u8 and the JSON value) and the ids of the mutations it confirmed (count u32, ids).
    /// </summary>
    Page = 3,

    /// <summary>Mutations the server rejected for good (count u32, ids).</summary>
    Rejected = 4,

    /// <summary>A snapshot begins: its id (u64). Chunks with that id follow, possibly between other records.</summary>
    SnapshotBegin = 5,

    /// <summary>Part of a snapshot: its id (u64), a count (u32) and that many entity, id, JSON triples.</summary>
    SnapshotChunk = 6,

    /// <summary>
    /// A snapshot is complete: its id (u64), the cursor it is at (u64) and the ids of the mutations it
    /// confirmed (count u32, ids). From here the confirmed state is that snapshot.
    /// </summary>
    SnapshotEnd = 7,
}
