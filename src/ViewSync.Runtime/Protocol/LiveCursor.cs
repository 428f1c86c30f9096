using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>The data of a <c>sync:{scope}</c> live notification: the scope's log advanced to <see cref="Cursor"/>.</summary>
public sealed record LiveCursor
{
    /// <summary>The cursor the log reached.</summary>
    [JsonPropertyName("cursor")]
    public ulong Cursor { get; init; }
}
