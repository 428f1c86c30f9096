namespace ViewSync.Persistence;

/// <summary>The first byte of a journal record's payload: what the record says.</summary>
internal enum JournalRecordKind : byte
{
    /// <summary>Client id (string) and last sequence number (u64). First in every journal.</summary>
    Meta = 1,

    /// <summary>A mutation, as its persisted JSON (the wire form plus <c>created_at</c>).</summary>
    Append = 2,

    /// <summary>A count (u32) and that many mutation ids (strings) leaving the queue.</summary>
    Remove = 3,

    /// <summary>A store generation (u64) and the cursor (u64) that store is at.</summary>
    Cursor = 4,

    /// <summary>Queue and cursor cleared; the store file of the given generation (u64) is discarded.</summary>
    Clear = 5,
}
