using ViewSync.Mutations;

namespace ViewSync;

/// <summary>A mutation that was applied optimistically and queued for the server.</summary>
public sealed class MutationQueuedEventArgs : EventArgs
{
    internal MutationQueuedEventArgs(Mutation mutation) => Mutation = mutation;

    /// <summary>The queued mutation.</summary>
    public Mutation Mutation { get; }
}
