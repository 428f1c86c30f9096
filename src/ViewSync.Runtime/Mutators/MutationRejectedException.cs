namespace ViewSync.Mutators;

/// <summary>
/// Thrown by a mutator to reject its mutation. The mutation's writes are discarded and the client
/// is told the <see cref="Code"/> and message; a rejected mutation is permanent and never retried.
/// </summary>
public class MutationRejectedException : Exception
{
    /// <summary>Creates a rejection with <see cref="ErrorCodes.InvalidMutation"/>.</summary>
    public MutationRejectedException()
        : this(ErrorCodes.InvalidMutation, "The mutation was rejected.")
    {
    }

    /// <summary>Creates a rejection with <see cref="ErrorCodes.InvalidMutation"/>.</summary>
    /// <param name="message">What is wrong, for the client to show or log.</param>
    public MutationRejectedException(string message)
        : this(ErrorCodes.InvalidMutation, message)
    {
    }

    /// <summary>Creates a rejection with <see cref="ErrorCodes.InvalidMutation"/>.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MutationRejectedException(string message, Exception? innerException)
        : this(ErrorCodes.InvalidMutation, message, innerException)
    {
    }

    /// <summary>Creates a rejection with a protocol error code.</summary>
    /// <param name="code">Usually <see cref="ErrorCodes.Conflict"/> or <see cref="ErrorCodes.InvalidMutation"/>.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public MutationRejectedException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        Code = code;
    }

    /// <summary>The protocol error code: <c>conflict</c>, <c>invalid_mutation</c>, ….</summary>
    public string Code { get; }

    /// <summary>A rejection because the mutation conflicts with current state (code <c>conflict</c>).</summary>
    /// <param name="message">What conflicts, e.g. "todo abc was deleted".</param>
    /// <returns>The exception to throw.</returns>
    public static MutationRejectedException Conflict(string message) => new(ErrorCodes.Conflict, message);

    /// <summary>A rejection because the mutation is not valid (code <c>invalid_mutation</c>).</summary>
    /// <param name="message">What is invalid, e.g. "title cannot be empty".</param>
    /// <returns>The exception to throw.</returns>
    public static MutationRejectedException Invalid(string message) => new(ErrorCodes.InvalidMutation, message);
}
