namespace ViewSync;

/// <content>Synchronous disposal, for containers and <c>using</c> statements that only know <see cref="IDisposable"/>.</content>
public sealed partial class SyncClient : IDisposable
{
    /// <summary>
    /// Stops the client and releases what it holds, as <see cref="DisposeAsync"/> does, blocking until done.
    /// A <c>ServiceProvider</c> that resolved the client calls this from its own <c>Dispose</c>.
    /// </summary>
    /// <remarks>
    /// The work runs on the thread pool, with no synchronization context captured, so blocking the calling
    /// thread cannot deadlock on the client's own continuations. One wait remains that it cannot shorten: a
    /// cycle that is handing server changes to <see cref="SyncClientOptions.SynchronizationContext"/> waits for
    /// that context. On that context's thread (the UI thread), call <see cref="DisposeAsync"/> instead, or stop
    /// the client with <see cref="StopAsync"/> first; then this returns at once. Disposing twice does nothing.
    /// </remarks>
    public void Dispose()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        Task.Run(async () => await DisposeAsync().ConfigureAwait(false)).GetAwaiter().GetResult();
    }
}
