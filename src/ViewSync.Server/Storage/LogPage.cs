namespace ViewSync.Server.Storage;

/// <summary>A page of a scope's log, read consistently with the head.</summary>
/// <param name="Entries">Entries after the requested cursor, ascending, at most the limit.</param>
/// <param name="HasMore">Whether more entries of the scope follow.</param>
/// <param name="Head">
/// A cursor the scope is complete up to at the time of the read (the global head, or the scope's own head on a
/// storage shared by several nodes): no change of the scope at or below it can appear later.
/// </param>
/// <param name="TrimmedThrough">The highest cursor of this scope's log that was trimmed, or 0.</param>
public sealed record LogPage(IReadOnlyList<LogEntry> Entries, bool HasMore, ulong Head, ulong TrimmedThrough);
