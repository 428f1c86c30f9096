using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>The body of a request-level error (any non-200 answer).</summary>
public sealed record ErrorResponse
{
    /// <summary>The error code, e.g. <c>invalid_mutation</c> or <c>cursor_too_old</c>.</summary>
    [JsonPropertyName("code")]
    public string Code { get; init; } = "";

    /// <summary>What went wrong, for people.</summary>
    [JsonPropertyName("error")]
    public string Error { get; init; } = "";
}
