namespace ViewSync.Mutations;

/// <summary>
/// Thrown by <c>Mutate</c> (and the typed helpers) for a mutation too large to ever fit in a push batch.
/// Nothing was applied or queued.
/// </summary>
public sealed class MutationTooLargeException : ArgumentException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public MutationTooLargeException()
        : base("The mutation is too large to be pushed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public MutationTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MutationTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one mutation.</summary>
    /// <param name="name">The mutator's name.</param>
    /// <param name="size">The mutation's size on the wire, in bytes.</param>
    /// <param name="limit">The most a single mutation may take.</param>
    public MutationTooLargeException(string name, long size, long limit)
        : base($"Mutation '{name}' is {size} bytes on the wire, more than the {limit} bytes one push batch can carry (SyncClientOptions.MaxBatchBytes, which servers cap at 1 MiB); nothing was applied or queued. Keep large data out of mutation arguments, or split the change into several mutations.")
    {
        Name = name;
        Size = size;
        Limit = limit;
    }

    /// <summary>The mutator's name.</summary>
    public string? Name { get; }

    /// <summary>The mutation's size on the wire, in bytes.</summary>
    public long Size { get; }

    /// <summary>The most a single mutation may take, in bytes.</summary>
    public long Limit { get; }
}
