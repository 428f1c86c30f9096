using ViewSync.Mutations;

namespace ViewSync.Persistence;

/// <summary>A replica's whole state at one journal position: what compaction writes.</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="LastSeq">The last sequence number used.</param>
/// <param name="Cursor">The cursor the confirmed state is at.</param>
/// <param name="Confirmed">The confirmed state (immutable).</param>
/// <param name="Pending">The pending mutations, in queue order.</param>
/// <param name="Position">The journal offset this state is at: records from here on are not in it.</param>
internal sealed record JournalCheckpoint(string ClientId, ulong LastSeq, ulong Cursor, ConfirmedImage Confirmed, IReadOnlyList<Mutation> Pending, long Position);
