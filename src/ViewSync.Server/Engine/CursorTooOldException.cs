namespace ViewSync.Server.Engine;

/// <summary>A pull asked for changes the log no longer holds; the client must take a snapshot (<c>410 cursor_too_old</c>).</summary>
public sealed class CursorTooOldException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CursorTooOldException()
        : this("The log was trimmed past the requested cursor; take a snapshot.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public CursorTooOldException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CursorTooOldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a cursor below what the log still holds.</summary>
    /// <param name="cursor">The requested cursor.</param>
    /// <param name="oldestAvailable">The lowest cursor a pull can start from.</param>
    public CursorTooOldException(ulong cursor, ulong oldestAvailable)
        : base($"Cursor {cursor} is older than the log, which was trimmed through {oldestAvailable}; take a snapshot.")
    {
        Cursor = cursor;
        OldestAvailable = oldestAvailable;
    }

    /// <summary>The requested cursor.</summary>
    public ulong Cursor { get; }

    /// <summary>The lowest cursor a pull can start from.</summary>
    public ulong OldestAvailable { get; }
}
