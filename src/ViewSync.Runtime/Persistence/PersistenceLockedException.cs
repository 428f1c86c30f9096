namespace ViewSync.Persistence;

/// <summary>
/// Thrown when a <see cref="FilePersistence"/> directory is already in use by another instance, in
/// this process or another one.
/// </summary>
public sealed class PersistenceLockedException : IOException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public PersistenceLockedException()
        : base("The persistence directory is already in use by another FilePersistence instance.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public PersistenceLockedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that revealed the lock.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The error from opening the lock file.</param>
    public PersistenceLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a directory.</summary>
    /// <param name="directory">The directory that is locked.</param>
    /// <param name="lockFile">The lock file that is held.</param>
    /// <param name="innerException">The error from opening the lock file.</param>
    internal PersistenceLockedException(string directory, string lockFile, Exception innerException)
        : base(
            $"The persistence directory '{directory}' is already in use: another FilePersistence holds its lock file '{lockFile}'. " +
            "Only one instance, in one process, may use a directory at a time: dispose the other instance (or stop the other process) first, or use a different directory.",
            innerException)
    {
        Directory = directory;
    }

    /// <summary>The directory that is locked, when known.</summary>
    public string? Directory { get; }
}
