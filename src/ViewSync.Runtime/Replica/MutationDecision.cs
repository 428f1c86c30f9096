namespace ViewSync;

/// <summary>What the server decided about a mutation: confirmed, or rejected with a code and a message.</summary>
/// <param name="IsConfirmed">Whether the server applied it (and the client has pulled the state that includes it).</param>
/// <param name="Code">For a rejection, the protocol's error code (e.g. <c>conflict</c>, <c>invalid_mutation</c>); otherwise null.</param>
/// <param name="Message">For a rejection, the server's reason, for people; otherwise null.</param>
public sealed record MutationDecision(bool IsConfirmed, string? Code = null, string? Message = null)
{
    /// <summary>The outcome of a confirmed mutation.</summary>
    public static MutationDecision Confirmed { get; } = new(true);

    /// <summary>The outcome of a rejected mutation.</summary>
    /// <param name="code">The protocol's error code.</param>
    /// <param name="message">The reason.</param>
    /// <returns>The outcome.</returns>
    public static MutationDecision Rejected(string code, string message) => new(false, code, message);
}
