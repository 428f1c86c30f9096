using ViewSync.Mutators;

namespace ViewSync.Server.Storage;

/// <summary>One mutation of a batch handed to <see cref="ISyncStorage.ApplyBatchAsync"/>.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="MutationId">The mutation's id, unique per scope.</param>
/// <param name="Run">Runs the mutation against the scope's state (reads only; it returns its writes).</param>
public sealed record PendingMutation(string Scope, string MutationId, Func<IEntityReader, MutationOutcome> Run);
