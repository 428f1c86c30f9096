namespace ViewSync.Transport;

/// <summary>A server's answer was larger than <see cref="SyncClientOptions.MaxResponseBytes"/>.</summary>
public sealed class ResponseTooLargeException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ResponseTooLargeException()
        : base("The server's answer is too large.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ResponseTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ResponseTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an answer over <paramref name="limit"/> bytes.</summary>
    /// <param name="limit">The limit.</param>
    public ResponseTooLargeException(long limit)
        : base($"The server's answer is larger than {limit} bytes; raise SyncClientOptions.MaxResponseBytes if such answers are expected.")
    {
    }
}
