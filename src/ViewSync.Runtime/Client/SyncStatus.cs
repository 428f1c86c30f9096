using System.ComponentModel;

namespace ViewSync;

/// <summary>
/// The client's state for XAML-style data binding (WPF, MAUI, Avalonia, WinUI): bind to
/// <c>Status.IsOnline</c>, <c>Status.PendingCount</c>, <c>Status.LastError</c> and <c>Status.LastSyncedAt</c>.
/// Get it from <see cref="SyncClient.Status"/>.
/// </summary>
/// <remarks>
/// The client's signals (<see cref="SyncClient.Online"/>, <see cref="SyncClient.PendingCount"/>,
/// <see cref="SyncClient.LastError"/>, <see cref="SyncClient.LastSyncTime"/>) are the source of truth; this object
/// follows them and raises <see cref="PropertyChanged"/>, once per property whose value changed, on the client's
/// <see cref="SyncClientOptions.SynchronizationContext"/> when one is set (the UI thread), otherwise on the thread
/// that changed the state. Its properties read the values last announced, so a binding never sees a value
/// before its notification.
/// </remarks>
public sealed class SyncStatus : INotifyPropertyChanged, IDisposable
{
    private static readonly PropertyChangedEventArgs s_isOnline = new(nameof(IsOnline));
    private static readonly PropertyChangedEventArgs s_pendingCount = new(nameof(PendingCount));
    private static readonly PropertyChangedEventArgs s_lastError = new(nameof(LastError));
    private static readonly PropertyChangedEventArgs s_lastSyncedAt = new(nameof(LastSyncedAt));
    private readonly Effect _effect;
    private bool _isOnline;
    private int _pendingCount;
    private SyncError? _lastError;
    private DateTimeOffset? _lastSyncedAt;

    internal SyncStatus(SyncClient client, SynchronizationContext? context)
    {
        var first = true;
        _effect = new Effect(() =>
        {
            var isOnline = client.Online.Get();
            var pendingCount = client.PendingCount.Get();
            var lastError = client.LastError.Get();
            var lastSyncedAt = client.LastSyncTime.Get();
            if (first)
            {
                (_isOnline, _pendingCount, _lastError, _lastSyncedAt, first) = (isOnline, pendingCount, lastError, lastSyncedAt, false);
                return;
            }

            if (isOnline != _isOnline)
            {
                _isOnline = isOnline;
                PropertyChanged?.Invoke(this, s_isOnline);
            }

            if (pendingCount != _pendingCount)
            {
                _pendingCount = pendingCount;
                PropertyChanged?.Invoke(this, s_pendingCount);
            }

            if (!ReferenceEquals(lastError, _lastError))
            {
                _lastError = lastError;
                PropertyChanged?.Invoke(this, s_lastError);
            }

            if (lastSyncedAt != _lastSyncedAt)
            {
                _lastSyncedAt = lastSyncedAt;
                PropertyChanged?.Invoke(this, s_lastSyncedAt);
            }
        }, context, name: "SyncStatus");
    }

    /// <inheritdoc />
    public event PropertyChangedEventHandler? PropertyChanged;

    /// <summary>Whether the last request reached the server (<see cref="SyncClient.Online"/>).</summary>
    public bool IsOnline => _isOnline;

    /// <summary>The number of mutations the server has not confirmed yet (<see cref="SyncClient.PendingCount"/>).</summary>
    public int PendingCount => _pendingCount;

    /// <summary>The last problem, cleared by the next successful cycle (<see cref="SyncClient.LastError"/>).</summary>
    public SyncError? LastError => _lastError;

    /// <summary>When the last sync cycle completed (<see cref="SyncClient.LastSyncTime"/>), or null before the first.</summary>
    public DateTimeOffset? LastSyncedAt => _lastSyncedAt;

    /// <summary>Stops following the client. The client disposes its status when it is disposed.</summary>
    public void Dispose() => _effect.Dispose();
}
