namespace ViewSync;

/// <summary>The data of <see cref="SyncClient.Synced"/>: a sync cycle completed.</summary>
public sealed class SyncedEventArgs(ulong cursor) : EventArgs
{
    /// <summary>The cursor the client has pulled up to.</summary>
    public ulong Cursor { get; } = cursor;
}
