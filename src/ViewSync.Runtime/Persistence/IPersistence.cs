namespace ViewSync.Persistence;

/// <summary>
/// Where a client's journal lives: an append-only log of checksummed records that a
/// <see cref="Replica"/> writes alone. Implementations store bytes; the replica decides what they mean.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="FilePersistence"/> (a directory), <see cref="MemoryPersistence"/> (tests, or no durability) and
/// the browser's <c>LocalStoragePersistence</c> implement it. The contract is small on purpose, so that the
/// state machine on top (what is pending, the cursor, the confirmed state, recovery from damage) is
/// written once:
/// </para>
/// <list type="bullet">
/// <item><description><see cref="OpenAsync"/> takes the location for this instance alone and returns the log.</description></item>
/// <item><description><see cref="Append"/> adds bytes at the end, all or nothing, and returns once a crash
/// of the process can no longer lose them (for a file: written to the operating system, not yet flushed).</description></item>
/// <item><description><see cref="FlushAsync"/> makes every appended byte survive a power loss.</description></item>
/// <item><description><see cref="BeginRewrite"/> replaces the log atomically with a compacted one.</description></item>
/// </list>
/// <para>The replica calls <see cref="Append"/> and <see cref="IPersistenceRewrite.Commit"/> one at a time;
/// <see cref="FlushAsync"/> may run at the same time as either.</para>
/// </remarks>
public interface IPersistence : IAsyncDisposable
{
    /// <summary>Where the journal is, for messages (a directory, or a storage key prefix).</summary>
    string Location { get; }

    /// <summary>Takes the location for this instance and reads the whole log.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The log's bytes (empty for a new location) and whether the location was used before.</returns>
    /// <exception cref="PersistenceLockedException">Another instance, in this or another process, uses the location.</exception>
    /// <exception cref="IOException">The location cannot be read or written; the message says why.</exception>
    ValueTask<PersistenceImage> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds bytes at the end of the log: all of them or, when it throws, none.</summary>
    /// <param name="bytes">One or more whole records.</param>
    /// <exception cref="IOException">The write failed (a full disk, a full quota); nothing of it stays.</exception>
    void Append(ReadOnlySpan<byte> bytes);

    /// <summary>Makes every byte appended so far durable against power loss.</summary>
    /// <param name="cancellationToken">Stops waiting (the flush itself may still complete).</param>
    /// <returns>A task that completes once they are durable.</returns>
    /// <exception cref="IOException">The flush failed.</exception>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts writing a replacement log (compaction); nothing changes until it is committed.</summary>
    /// <returns>The replacement, to fill and then commit or dispose.</returns>
    IPersistenceRewrite BeginRewrite();

    /// <summary>Keeps a copy of the log as it is now beside it, before a damaged log is rewritten.</summary>
    /// <returns>Where the copy is, or null when none could be made.</returns>
    string? Preserve();
}
