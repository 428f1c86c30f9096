using ViewSync.Mutations;

namespace ViewSync;

/// <summary>The data of <see cref="SyncClient.MutationRejected"/>: the server refused a mutation for good.</summary>
public sealed class MutationRejectedEventArgs(Mutation mutation, string code, string error) : EventArgs
{
    /// <summary>The rejected mutation (its id, name and arguments).</summary>
    public Mutation Mutation { get; } = mutation;

    /// <summary>The error code, e.g. <c>conflict</c> or <c>invalid_mutation</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The server's message.</summary>
    public string Error { get; } = error;
}
