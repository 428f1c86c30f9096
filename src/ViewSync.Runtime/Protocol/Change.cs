using System.Text.Json;
using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>
/// One entry of a scope's log, as <c>/pull</c> and <c>/push</c> return it: the Go engine's
/// <c>sync.Change</c> (<c>cursor</c>, <c>scope</c>, <c>time</c>) with the application payload in
/// <see cref="Data"/>.
/// </summary>
public sealed record Change
{
    /// <summary>The log position of this change. Cursors are global to the server and may skip numbers.</summary>
    [JsonPropertyName("cursor")]
    public ulong Cursor { get; init; }

    /// <summary>The scope the change belongs to.</summary>
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = Scopes.Default;

    /// <summary>When the server recorded the change.</summary>
    [JsonPropertyName("time")]
    public DateTimeOffset Time { get; init; }

    /// <summary>The payload; ViewSync servers put an <see cref="EntityChange"/> here.</summary>
    [JsonPropertyName("data")]
    public JsonElement Data { get; init; }
}
