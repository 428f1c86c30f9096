namespace ViewSync.Server.Engine;

/// <summary>A scope's log advanced.</summary>
public sealed class LogAdvancedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="cursor">The log head after the change.</param>
    public LogAdvancedEventArgs(string scope, ulong cursor)
    {
        Scope = scope;
        Cursor = cursor;
    }

    /// <summary>The scope whose log advanced.</summary>
    public string Scope { get; }

    /// <summary>The log head after the change.</summary>
    public ulong Cursor { get; }
}
