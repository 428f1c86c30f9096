using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>The <c>200</c> body of <c>/pull</c>.</summary>
public sealed record PullResponse
{
    /// <summary>The changes after the requested cursor, in ascending cursor order.</summary>
    [JsonPropertyName("changes")]
    public IReadOnlyList<Change> Changes { get; init; } = [];

    /// <summary>Whether more changes follow: pull again from the last change's cursor.</summary>
    [JsonPropertyName("has_more")]
    public bool HasMore { get; init; }

    /// <summary>The cursor to pull from next.</summary>
    [JsonPropertyName("next_cursor")]
    public ulong NextCursor { get; init; }
}
