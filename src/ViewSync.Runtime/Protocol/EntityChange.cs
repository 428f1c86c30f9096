using System.Text.Json;
using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>The payload of a ViewSync <see cref="Change"/>: one entity's new value, or its deletion.</summary>
public sealed record EntityChange
{
    /// <summary>The <see cref="Op"/> of a creation.</summary>
    public const string Create = "create";

    /// <summary>The <see cref="Op"/> of an update.</summary>
    public const string Update = "update";

    /// <summary>The <see cref="Op"/> of a deletion.</summary>
    public const string Delete = "delete";

    /// <summary>The entity name, e.g. <c>todo</c>.</summary>
    [JsonPropertyName("entity")]
    public required string Entity { get; init; }

    /// <summary>The entity's id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary><c>create</c>, <c>update</c> or <c>delete</c>. Create and update both mean "the entity now has <see cref="Value"/>".</summary>
    [JsonPropertyName("op")]
    public required string Op { get; init; }

    /// <summary>The entity's value; absent for a deletion.</summary>
    [JsonPropertyName("value")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Value { get; init; }

    /// <summary>Whether the entity no longer exists after this change.</summary>
    [JsonIgnore]
    public bool IsDelete => Op == Delete;
}
