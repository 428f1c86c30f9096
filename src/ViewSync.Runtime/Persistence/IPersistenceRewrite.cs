namespace ViewSync.Persistence;

/// <summary>A replacement log being written by compaction; see <see cref="IPersistence.BeginRewrite"/>.</summary>
/// <remarks>Disposing it without <see cref="Commit"/> leaves the current log as it was.</remarks>
public interface IPersistenceRewrite : IDisposable
{
    /// <summary>Adds bytes to the replacement. Runs while the current log keeps growing.</summary>
    /// <param name="bytes">Whole records.</param>
    /// <exception cref="IOException">The write failed; dispose the rewrite.</exception>
    void Append(ReadOnlySpan<byte> bytes);

    /// <summary>
    /// Appends the current log's bytes from <paramref name="tailFrom"/> to its end (the records written
    /// since the replacement's state was taken), makes the replacement durable and swaps it in atomically:
    /// after a crash at any point, the location holds either the whole old log or the whole new one.
    /// </summary>
    /// <param name="tailFrom">The offset in the current log where the records not covered by the replacement start.</param>
    /// <returns>The replacement's length.</returns>
    /// <exception cref="IOException">The swap failed; the current log is unchanged and still in use.</exception>
    long Commit(long tailFrom);
}
