namespace ViewSync;

/// <summary>Settings of a <see cref="Replica"/>.</summary>
public sealed class ReplicaOptions
{
    /// <summary>The default scope, as the protocol names an empty one.</summary>
    public const string DefaultScope = Protocol.Scopes.Default;

    /// <summary>The scope this replica mirrors, e.g. <c>user:123</c>. Defaults to <see cref="DefaultScope"/>.</summary>
    public string Scope { get; set; } = DefaultScope;

    /// <summary>
    /// The client id of mutations made before a journal is opened (and of all of them without one). When null, a new
    /// random one is used; persistence supplies the stable one. Mutation ids derive from the client id and sequence
    /// numbers that restart at 1 here, so never give the id of a journal: use a fresh one (the default).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The clock that stamps mutations. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The largest mutation, in bytes of its wire form, that <c>Mutate</c> accepts: one that could never fit
    /// in a push batch is refused at once with a <see cref="Mutations.MutationTooLargeException"/>. The sync
    /// client sets it from its batch limit. Default: no practical limit.
    /// </summary>
    public long MaxMutationBytes { get; set; } = long.MaxValue;
}
