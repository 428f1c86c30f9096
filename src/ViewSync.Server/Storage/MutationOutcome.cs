using ViewSync.Store;

namespace ViewSync.Server.Storage;

/// <summary>What running a mutation produced: its entity writes, or a rejection.</summary>
public sealed record MutationOutcome
{
    private MutationOutcome()
    {
    }

    /// <summary>The writes of an applied mutation (may be empty).</summary>
    public IReadOnlyList<EntityWrite> Writes { get; private init; } = [];

    /// <summary>The rejection code, or null when applied.</summary>
    public string? Code { get; private init; }

    /// <summary>The rejection message, or null when applied.</summary>
    public string? Error { get; private init; }

    /// <summary>Whether the mutation was applied.</summary>
    public bool IsApplied => Code is null;

    /// <summary>An applied mutation.</summary>
    /// <param name="writes">Its final write per entity.</param>
    /// <returns>The outcome.</returns>
    public static MutationOutcome Applied(IReadOnlyList<EntityWrite> writes) => new() { Writes = writes };

    /// <summary>A rejected mutation: nothing it wrote is kept.</summary>
    /// <param name="code">The protocol error code.</param>
    /// <param name="error">What went wrong.</param>
    /// <returns>The outcome.</returns>
    public static MutationOutcome Rejected(string code, string error) => new() { Code = code, Error = error };
}
