namespace ViewSync.Persistence;

/// <summary>
/// Optional for an <see cref="IPersistenceRewrite"/> whose commit has slow work (copying the records written
/// since the checkpoint, making the new log durable): the journal calls <see cref="Prepare"/> just before
/// it takes its lock for <see cref="IPersistenceRewrite.Commit"/>, so that appends, which wait for that
/// lock, are held up only by what arrived since.
/// </summary>
internal interface IPersistenceRewritePrepare
{
    /// <summary>Copies what the log holds after <paramref name="tailFrom"/> so far and makes the new log durable; <c>Commit</c> then adds only the rest.</summary>
    /// <param name="tailFrom">The same position <c>Commit</c> will get.</param>
    void Prepare(long tailFrom);
}
