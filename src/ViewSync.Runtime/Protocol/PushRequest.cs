using System.Text.Json.Serialization;
using ViewSync.Mutations;

namespace ViewSync.Protocol;

/// <summary>The body of <c>POST {BaseUrl}/push</c>: queued mutations, in queue order.</summary>
public sealed record PushRequest
{
    /// <summary>The most mutations a server accepts in one push (the Go server's cap).</summary>
    public const int MaxBatch = 100;

    /// <summary>The mutations.</summary>
    [JsonPropertyName("mutations")]
    public IReadOnlyList<Mutation> Mutations { get; init; } = [];
}
