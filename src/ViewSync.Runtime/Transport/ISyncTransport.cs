using ViewSync.Protocol;

namespace ViewSync.Transport;

/// <summary>
/// Carries the protocol's requests to a server. <see cref="RefitSyncTransport"/> does it over HTTP;
/// tests and simulations can put a fault-injecting wrapper or an in-process transport in its place.
/// Implementations never throw for a failed request (only for cancellation by the caller): every
/// failure is a <see cref="TransportResult{T}"/> the sync loop can classify.
/// </summary>
public interface ISyncTransport
{
    /// <summary>Sends <c>/push</c>.</summary>
    /// <param name="request">The mutations.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The result.</returns>
    Task<TransportResult<PushResponse>> PushAsync(PushRequest request, CancellationToken cancellationToken);

    /// <summary>Sends <c>/pull</c>.</summary>
    /// <param name="request">The scope, cursor and limit.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The result.</returns>
    Task<TransportResult<PullResponse>> PullAsync(PullRequest request, CancellationToken cancellationToken);

    /// <summary>Sends <c>/snapshot</c>.</summary>
    /// <param name="request">The scope.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The result.</returns>
    Task<TransportResult<SnapshotResponse>> SnapshotAsync(SnapshotRequest request, CancellationToken cancellationToken);
}
