namespace ViewSync;

/// <summary>Describes an exception thrown by an effect or one of its cleanups.</summary>
public sealed class EffectFailedEventArgs : EventArgs
{
    internal EffectFailedEventArgs(Effect effect, Exception exception)
    {
        Effect = effect;
        Exception = exception;
    }

    /// <summary>The effect that threw. It stays active and runs again when what it read changes.</summary>
    public Effect Effect { get; }

    /// <summary>The exception.</summary>
    public Exception Exception { get; }
}
