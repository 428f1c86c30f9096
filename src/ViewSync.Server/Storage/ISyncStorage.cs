using ViewSync.Mutators;

namespace ViewSync.Server.Storage;

/// <summary>
/// Durable server state: each scope's entities, the global change log, and the record of which
/// mutation ids were applied (or rejected) per scope.
/// </summary>
/// <remarks>
/// <para><see cref="ApplyOnceAsync"/> is the unit of atomicity: dedupe check, state update, log append and
/// the applied-id record commit together or not at all, so a crash can never leave changes without
/// the id or the reverse. <see cref="ApplyBatchAsync"/> groups many such units into one commit.
/// Writes may be called concurrently (a storage serialises what must be serialised); reads may run
/// concurrently with a write and see either all of it or none of it.
/// </para>
/// <para><b>Cursor safety.</b> A page's <see cref="LogPage.Head"/> (and the head returned by
/// <see cref="ReadStateAsync"/>) is a cursor the reader may jump to: no change of that scope with a cursor at
/// or below it may become visible later.</para>
/// </remarks>
public interface ISyncStorage : IAsyncDisposable
{
    /// <summary>
    /// Runs a mutation exactly once per (scope, id). When the id was seen, returns the recorded result
    /// without calling <paramref name="run"/>. Otherwise calls it with the scope's current state; an
    /// applied outcome's writes become log entries (op <c>create</c> for new entities, <c>update</c>
    /// for existing ones, <c>delete</c>), the state is updated and the result recorded, atomically.
    /// </summary>
    /// <param name="scope">The scope.</param>
    /// <param name="mutationId">The mutation's id.</param>
    /// <param name="run">Runs the mutation against the scope's state (reads only; it returns its writes).</param>
    /// <param name="time">The time to record on new log entries.</param>
    /// <param name="cancellationToken">Cancels before the write starts.</param>
    /// <returns>The result, recorded or new.</returns>
    Task<StoredResult> ApplyOnceAsync(string scope, string mutationId, Func<IEntityReader, MutationOutcome> run, DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a batch in one transaction (group commit): each mutation exactly once per (scope, id), as
    /// <see cref="ApplyOnceAsync"/> would, each in its own savepoint, so a rejected mutation — or one whose
    /// <see cref="PendingMutation.Run"/> throws, recorded as rejected with <c>internal_error</c> — undoes only
    /// itself. The whole batch commits at once, before this returns; when any storage operation before the
    /// commit fails, nothing of the batch is kept and the exception propagates, so the caller may retry it whole
    /// (should the answer to a commit that happened be lost, the retry replays the recorded results). A mutation
    /// id repeated within the batch is a replay of its first occurrence.
    /// </summary>
    /// <param name="mutations">The mutations, in order.</param>
    /// <param name="time">The time to record on new log entries.</param>
    /// <param name="cancellationToken">Cancels before the commit; nothing is kept then.</param>
    /// <returns>One result per mutation, in order.</returns>
    Task<IReadOnlyList<StoredResult>> ApplyBatchAsync(IReadOnlyList<PendingMutation> mutations, DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>Reads a page of a scope's log after <paramref name="after"/>, bounded by count and by bytes.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="after">Entries with a greater cursor are returned.</param>
    /// <param name="limit">The most entries to return.</param>
    /// <param name="maxBytes">
    /// The most entity bytes to return: the page stops before the entry that would pass it (and says it has
    /// more), but always holds at least one entry, so a scope of large entities still moves.
    /// </param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    Task<LogPage> ReadLogAsync(string scope, ulong after, int limit, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads every entity of a scope, grouped by entity name, handing each to <paramref name="entity"/> as it is
    /// read (so a scope larger than memory can be written out), and returns the head the entities are consistent with.
    /// </summary>
    /// <param name="scope">The scope.</param>
    /// <param name="entity">Called once per entity, in entity-name order: name, id, JSON (valid during the call).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The head cursor the entities are consistent with.</returns>
    Task<ulong> ReadStateAsync(string scope, Func<string, string, ReadOnlyMemory<byte>, ValueTask> entity, CancellationToken cancellationToken = default);

    /// <summary>Deletes log entries recorded before <paramref name="before"/>, remembering per scope how far it trimmed. State is never trimmed.</summary>
    /// <param name="before">The cut-off time.</param>
    /// <param name="cancellationToken">Cancels the trim.</param>
    /// <returns>The number of entries deleted.</returns>
    Task<int> TrimAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
