using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>The body of <c>POST {BaseUrl}/snapshot</c>.</summary>
public sealed record SnapshotRequest
{
    /// <summary>The scope; empty means <see cref="Scopes.Default"/>.</summary>
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";
}
