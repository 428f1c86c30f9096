using System.Text.Json.Serialization;
using ViewSync.Mutators;

namespace ViewSync.Protocol;

/// <summary>The server's answer for one pushed mutation.</summary>
public sealed record PushResult
{
    /// <summary>Whether the mutation was applied (or had been applied already).</summary>
    [JsonPropertyName("ok")]
    public bool Ok { get; init; }

    /// <summary>For <c>ok</c>: the log position after the mutation's changes; a pull that reaches it includes them.</summary>
    [JsonPropertyName("cursor")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Cursor { get; init; }

    /// <summary>For <c>ok</c>: the changes the mutation made (servers may omit them).</summary>
    [JsonPropertyName("changes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Change>? Changes { get; init; }

    /// <summary>For a rejection: the error code. The Go engine omits it; see <see cref="EffectiveCode"/>.</summary>
    [JsonPropertyName("code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Code { get; init; }

    /// <summary>For a rejection: what went wrong.</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>
    /// The rejection's code, filled in as the protocol says when a server sent none: <c>conflict</c>
    /// when the error mentions a conflict, else <c>invalid_mutation</c>. Null for <c>ok</c>.
    /// </summary>
    [JsonIgnore]
    public string? EffectiveCode => Ok
        ? null
        : !string.IsNullOrEmpty(Code)
            ? Code
            : Error is not null && Error.Contains("conflict", StringComparison.OrdinalIgnoreCase)
                ? ErrorCodes.Conflict
                : ErrorCodes.InvalidMutation;

    /// <summary>An applied mutation's result.</summary>
    /// <param name="cursor">The log position after its changes.</param>
    /// <param name="changes">Its changes, or null to omit them.</param>
    /// <returns>The result.</returns>
    public static PushResult Applied(ulong cursor, IReadOnlyList<Change>? changes = null) => new() { Ok = true, Cursor = cursor, Changes = changes };

    /// <summary>A rejected mutation's result.</summary>
    /// <param name="code">The error code.</param>
    /// <param name="error">What went wrong.</param>
    /// <returns>The result.</returns>
    public static PushResult Rejected(string code, string error) => new() { Ok = false, Code = code, Error = error };
}
