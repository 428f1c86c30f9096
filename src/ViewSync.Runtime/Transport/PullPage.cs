using System.Text.Json;
using ViewSync.Store;

namespace ViewSync.Transport;

/// <summary>
/// A <c>/pull</c> answer as the sync client applies it: the page's cursor fields and its entity changes, already
/// decoded into store writes. Read one with <see cref="ReadAsync"/>, which streams the answer and copies each value
/// once, into the bytes the store then keeps, so a page of large entities is never held several times over.
/// </summary>
/// <remarks>
/// Every field of the answer may be absent, as PROTOCOL.md allows: <c>"changes": null</c> is an empty page, an
/// absent <c>has_more</c> is false, and <c>next_cursor</c> is absent on an empty page. Changes whose <c>data</c> is
/// not an object (a Go server's own payloads) or that name no entity or id count in <see cref="ChangeCount"/> and
/// the cursors but are not in <see cref="Writes"/>.
/// </remarks>
public sealed class PullPage
{
    internal PullPage(IReadOnlyList<EntityWrite> writes, int changeCount, ulong? lowestCursor, ulong? lastCursor, bool hasMore, ulong? nextCursor)
    {
        Writes = writes;
        ChangeCount = changeCount;
        LowestCursor = lowestCursor;
        LastCursor = lastCursor;
        HasMore = hasMore;
        NextCursor = nextCursor;
    }

    /// <summary>The page's entity changes, in log order. Their values are well-formed JSON that nothing else references.</summary>
    public IReadOnlyList<EntityWrite> Writes { get; }

    /// <summary>How many changes the page held, including those that are not entity changes.</summary>
    public int ChangeCount { get; }

    /// <summary>The lowest cursor of the page's changes; null for an empty page.</summary>
    public ulong? LowestCursor { get; }

    /// <summary>The last change's cursor; null for an empty page.</summary>
    public ulong? LastCursor { get; }

    /// <summary>Whether more changes follow: pull again from <see cref="CursorAfter"/>. Absent means false.</summary>
    public bool HasMore { get; }

    /// <summary>The cursor to pull from next, when the server says; absent on an empty page (Go: <c>omitempty</c>).</summary>
    public ulong? NextCursor { get; }

    /// <summary>
    /// The cursor a client is at once it has applied this page: <see cref="NextCursor"/> when present,
    /// else the last change's cursor, else <paramref name="requestCursor"/>.
    /// </summary>
    /// <param name="requestCursor">The <c>cursor</c> the pull request sent.</param>
    /// <returns>
    /// The cursor; or null when the page breaks the protocol: a change at or before <paramref name="requestCursor"/>,
    /// a present <c>next_cursor</c> lower than <paramref name="requestCursor"/>, or <c>has_more</c> on a page that does
    /// not move the cursor (pulling again would loop forever).
    /// </returns>
    public ulong? CursorAfter(ulong requestCursor)
    {
        if (LowestCursor is { } lowest && lowest <= requestCursor)
        {
            return null;
        }

        ulong after;
        if (NextCursor is { } next)
        {
            if (next < requestCursor)
            {
                return null;
            }

            after = next;
        }
        else
        {
            after = LastCursor ?? requestCursor;
        }

        return HasMore && after == requestCursor ? null : after;
    }

    /// <summary>
    /// Reads a <c>/pull</c> answer from a stream, forward only, over pooled buffers: the buffer holds at most one value
    /// and a read-ahead, and each entity value is copied once, into the write that keeps it.
    /// </summary>
    /// <param name="stream">The answer's body.</param>
    /// <param name="maxResponseBytes">The most bytes the answer may have (<see cref="SyncClientOptions.MaxResponseBytes"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    /// <exception cref="JsonException">The answer is not JSON, is cut short, or breaks the protocol (a change that is null,
    /// an entity change without <c>entity</c>, <c>id</c> or <c>op</c>, or without a value, fields of the wrong type).</exception>
    /// <exception cref="ResponseTooLargeException">The answer is larger than <paramref name="maxResponseBytes"/>.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public static Task<PullPage> ReadAsync(Stream stream, long maxResponseBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxResponseBytes);
        return PullPageReader.ReadAsync(stream, maxResponseBytes, cancellationToken);
    }
}
