using System.Text.Json.Serialization;
using ViewSync.Mutators;

namespace ViewSync.Protocol;

/// <summary>The server's answer for one pushed mutation.</summary>
public sealed record PushResult
{
    /// <summary>Whether the mutation was applied (or had been applied already).</summary>
    [JsonPropertyName("ok")]
    public bool Ok { get; init; }

    /// <summary>
    /// For <c>ok</c>: the log position after the mutation's changes; a pull that reaches it includes
    /// them. Servers may omit it (the Go engine omits a zero cursor); see <see cref="IsAppliedWithoutCursor"/>.
    /// </summary>
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
    /// Whether the mutation was applied but the answer names no <see cref="Cursor"/>. Its effects are
    /// then not tied to a known log position: they are in any state pulled to the end of the log
    /// (<c>has_more</c> false) by a pull that started after this answer. Never read it as cursor 0:
    /// that would confirm the mutation before the pulled state includes it.
    /// </summary>
    [JsonIgnore]
    public bool IsAppliedWithoutCursor => Ok && Cursor is null;

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
