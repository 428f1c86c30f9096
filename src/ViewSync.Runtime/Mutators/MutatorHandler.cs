namespace ViewSync.Mutators;

/// <summary>Runs one mutator: decodes its arguments and reads and writes through the transaction.</summary>
/// <param name="transaction">What the mutator reads and writes.</param>
/// <param name="args">The mutation's arguments.</param>
/// <exception cref="MutationRejectedException">The mutator rejects the mutation.</exception>
public delegate void MutatorHandler(IMutationTransaction transaction, MutationArgs args);
