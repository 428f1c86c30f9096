using System.Text.Json;
using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>The <c>200</c> body of <c>/snapshot</c>: the full state of a scope and the cursor it is consistent with.</summary>
public sealed record SnapshotResponse
{
    /// <summary>Entity name → id → the entity's JSON value.</summary>
    [JsonPropertyName("data")]
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> Data { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>();

    /// <summary>The cursor the data is consistent with.</summary>
    [JsonPropertyName("cursor")]
    public ulong Cursor { get; init; }
}
