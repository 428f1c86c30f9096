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

    /// <summary>
    /// Sends <c>/pull</c> and reads the answer into a <see cref="PullPage"/> (with <see cref="PullPage.ReadAsync"/>,
    /// which checks it against the protocol and decodes its entity changes); an answer that is not a pull page is
    /// <see cref="TransportOutcome.MalformedResponse"/>.
    /// </summary>
    /// <param name="request">The scope, cursor and limit.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The result.</returns>
    Task<TransportResult<PullPage>> PullAsync(PullRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a snapshot of a scope, handing each entity to <paramref name="sink"/> as it is read, so no
    /// snapshot is ever held whole. After a failure the sink may have seen part of it: discard that.
    /// </summary>
    /// <param name="request">The scope.</param>
    /// <param name="sink">Receives every entity.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The cursor the snapshot is at, or why it failed.</returns>
    Task<TransportResult<SnapshotSummary>> SnapshotAsync(SnapshotRequest request, ISnapshotSink sink, CancellationToken cancellationToken);
}
