namespace ViewSync;

/// <summary>The data of <see cref="SyncClient.Error"/>.</summary>
public sealed class SyncErrorEventArgs(SyncError error) : EventArgs
{
    /// <summary>The problem.</summary>
    public SyncError Error { get; } = error;
}
