namespace ViewSync.Persistence;

/// <summary>What <see cref="IPersistence.OpenAsync"/> read.</summary>
/// <param name="Log">The log's bytes; empty when there is none.</param>
/// <param name="UsedBefore">Whether the location shows signs of earlier use, so an empty log means a lost one rather than a new installation.</param>
public sealed record PersistenceImage(ReadOnlyMemory<byte> Log, bool UsedBefore);
