namespace ViewSync.Mutators;

/// <summary>The error codes of the wire protocol (PROTOCOL.md, "Error codes").</summary>
public static class ErrorCodes
{
    /// <summary>The entity or resource does not exist.</summary>
    public const string NotFound = "not_found";

    /// <summary>The mutation or request is malformed or breaks a rule; retrying cannot succeed.</summary>
    public const string InvalidMutation = "invalid_mutation";

    /// <summary>The mutation conflicts with the server's current state.</summary>
    public const string Conflict = "conflict";

    /// <summary>The log was trimmed past the client's cursor; the client must take a snapshot.</summary>
    public const string CursorTooOld = "cursor_too_old";

    /// <summary>The server failed; the request may be retried.</summary>
    public const string InternalError = "internal_error";
}
