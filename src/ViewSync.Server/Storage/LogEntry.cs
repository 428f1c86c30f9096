namespace ViewSync.Server.Storage;

/// <summary>One change in a scope's log, as stored.</summary>
/// <param name="Cursor">Its global log position.</param>
/// <param name="Scope">The scope.</param>
/// <param name="Time">When it was recorded.</param>
/// <param name="Entity">The entity name.</param>
/// <param name="Id">The entity id.</param>
/// <param name="Op"><c>create</c>, <c>update</c> or <c>delete</c>.</param>
/// <param name="Value">The entity's JSON after the change; null for a deletion.</param>
public sealed record LogEntry(ulong Cursor, string Scope, DateTimeOffset Time, string Entity, string Id, string Op, byte[]? Value);
