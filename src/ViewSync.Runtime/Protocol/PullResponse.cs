using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>The <c>200</c> body of <c>/pull</c>.</summary>
/// <remarks>
/// Every field may be absent: the Go engine omits empty values, so an empty page reads
/// <c>{"changes": null}</c> with no <c>has_more</c> and no <c>next_cursor</c>. Use
/// <see cref="CursorAfter"/> for where the client stands after the page.
/// </remarks>
public sealed record PullResponse
{
    private readonly IReadOnlyList<Change> _changes = [];

    /// <summary>
    /// The changes after the requested cursor, in ascending cursor order; empty for an empty page.
    /// Never null: a <c>"changes": null</c> (the Go engine's empty page) reads as empty.
    /// </summary>
    [JsonPropertyName("changes")]
    public IReadOnlyList<Change> Changes
    {
        get => _changes;
        init => _changes = value ?? [];
    }

    /// <summary>Whether more changes follow: pull again from <see cref="CursorAfter"/>. Absent means false.</summary>
    [JsonPropertyName("has_more")]
    public bool HasMore { get; init; }

    /// <summary>The cursor to pull from next, when the server says; absent on an empty page (Go: <c>omitempty</c>).</summary>
    [JsonPropertyName("next_cursor")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? NextCursor { get; init; }

    /// <summary>
    /// The cursor a client is at once it has applied this page: <see cref="NextCursor"/> when present,
    /// else the last change's cursor, else <paramref name="requestCursor"/>.
    /// </summary>
    /// <param name="requestCursor">The <c>cursor</c> the pull request sent.</param>
    /// <returns>
    /// The cursor; or null when the page breaks the protocol: a present <c>next_cursor</c> lower than
    /// <paramref name="requestCursor"/>, a null change, a last change at or before
    /// <paramref name="requestCursor"/> (with no <c>next_cursor</c>), or <c>has_more</c> on a page that
    /// does not move the cursor (pulling again would loop forever).
    /// </returns>
    public ulong? CursorAfter(ulong requestCursor)
    {
        ulong after;
        if (NextCursor is { } next)
        {
            if (next < requestCursor)
            {
                return null;
            }

            after = next;
        }
        else if (Changes.Count > 0)
        {
            if (Changes[^1] is not { } last || last.Cursor <= requestCursor)
            {
                return null;
            }

            after = last.Cursor;
        }
        else
        {
            after = requestCursor;
        }

        return HasMore && after == requestCursor ? null : after;
    }
}
