using ViewSync.Mutations;
using ViewSync.Mutators;

namespace ViewSync.Server.Engine;

/// <summary>
/// Applies, by hand, a mutation the mutator table does not know. Read and write through
/// <paramref name="transaction"/>; throw <see cref="MutationRejectedException"/> to reject.
/// </summary>
/// <param name="mutation">The mutation.</param>
/// <param name="transaction">The scope's state, for this mutation.</param>
public delegate void RawMutationHandler(Mutation mutation, IMutationTransaction transaction);
