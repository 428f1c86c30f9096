namespace ViewSync.Server.Storage;

/// <summary>The recorded result of a mutation: what a first attempt did, and what every replay answers.</summary>
/// <param name="Ok">Whether it was applied.</param>
/// <param name="Cursor">For an applied mutation: the log head after its changes.</param>
/// <param name="Code">For a rejection: the error code.</param>
/// <param name="Error">For a rejection: the message.</param>
/// <param name="Changes">The log entries it appended; empty for a replay (the protocol lets results omit them).</param>
/// <param name="IsReplay">Whether this mutation id had been seen before in its scope.</param>
public sealed record StoredResult(bool Ok, ulong Cursor, string? Code, string? Error, IReadOnlyList<LogEntry> Changes, bool IsReplay);
