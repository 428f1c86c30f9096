using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>The <c>200</c> body of <c>/push</c>: one result per mutation, in the same order.</summary>
public sealed record PushResponse
{
    /// <summary>The results.</summary>
    [JsonPropertyName("results")]
    public IReadOnlyList<PushResult> Results { get; init; } = [];
}
