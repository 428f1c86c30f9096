namespace ViewSync.Server.Storage;

/// <summary>Every entity of a scope and the log head it is consistent with.</summary>
/// <param name="Entities">Entity name → id → JSON.</param>
/// <param name="Head">The global log head at the time of the read.</param>
public sealed record ScopeState(IReadOnlyDictionary<string, IReadOnlyDictionary<string, ReadOnlyMemory<byte>>> Entities, ulong Head);
