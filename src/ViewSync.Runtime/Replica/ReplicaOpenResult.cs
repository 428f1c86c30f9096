using ViewSync.Persistence;

namespace ViewSync;

/// <summary>What <see cref="Replica.OpenAsync"/> found in the journal.</summary>
/// <param name="Cursor">The cursor the confirmed state is at; 0 means the client should take a snapshot.</param>
/// <param name="Problems">Damage found and repaired, with what it cost; empty when everything loaded.</param>
public sealed record ReplicaOpenResult(ulong Cursor, IReadOnlyList<PersistenceProblem> Problems);
