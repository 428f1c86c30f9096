using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>The body of <c>POST {BaseUrl}/pull</c>: changes of a scope after a cursor.</summary>
public sealed record PullRequest
{
    /// <summary>The page size servers use when the request names none.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page size servers allow.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The scope; empty means <see cref="Scopes.Default"/>.</summary>
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    /// <summary>The last cursor the client has; 0 for "nothing seen yet".</summary>
    [JsonPropertyName("cursor")]
    public ulong Cursor { get; init; }

    /// <summary>The most changes to return; 0 means <see cref="DefaultLimit"/>.</summary>
    [JsonPropertyName("limit")]
    public int Limit { get; init; }
}
