namespace ViewSync;

/// <content>The bindable status object.</content>
public sealed partial class SyncClient
{
    private SyncStatus? _status;

    /// <summary>
    /// The client's state as an <see cref="System.ComponentModel.INotifyPropertyChanged"/> object, for XAML bindings
    /// (<c>{Binding Status.IsOnline}</c>); it raises its notifications on <see cref="SyncClientOptions.SynchronizationContext"/>.
    /// Created on first use, disposed with the client.
    /// </summary>
    /// <remarks>
    /// One pattern per kind of thing: <b>state</b> (online, pending count, last error, last sync time) is a signal —
    /// <see cref="Online"/>, <see cref="PendingCount"/>, <see cref="LastError"/>, <see cref="LastSyncTime"/> — read with
    /// <c>Get()</c> in effects, computeds and Blazor components, and mirrored here for bindings; <b>occurrences</b> are
    /// events — <see cref="Synced"/> (a cycle completed), <see cref="Error"/> (a problem met) and
    /// <see cref="MutationRejected"/> (a mutation rolled back).
    /// </remarks>
    public SyncStatus Status
    {
        get
        {
            if (Volatile.Read(ref _status) is { } status)
            {
                return status;
            }

            var created = new SyncStatus(this, _options.SynchronizationContext);
            if (Interlocked.CompareExchange(ref _status, created, null) is { } raced)
            {
                created.Dispose();
                return raced;
            }

            return created;
        }
    }
}
