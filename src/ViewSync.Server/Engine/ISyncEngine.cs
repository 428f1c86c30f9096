using ViewSync.Mutations;
using ViewSync.Protocol;

namespace ViewSync.Server.Engine;

/// <summary>
/// The authoritative sync engine: applies pushed mutations exactly once, keeps each scope's change
/// log, and answers pulls and snapshots (the model of the Go <c>sync</c> engine).
/// </summary>
public interface ISyncEngine
{
    /// <summary>Raised after a scope's log advanced and the write is durable. Handlers must be fast and must not throw.</summary>
    event EventHandler<LogAdvancedEventArgs>? LogAdvanced;

    /// <summary>Applies mutations in order, each exactly once per (scope, id).</summary>
    /// <param name="mutations">The mutations.</param>
    /// <param name="cancellationToken">Stops before the next mutation.</param>
    /// <returns>One result per mutation, in the same order.</returns>
    Task<IReadOnlyList<PushResult>> PushAsync(IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken = default);

    /// <summary>Returns a scope's changes after <paramref name="cursor"/>.</summary>
    /// <param name="scope">The scope; empty means <see cref="Scopes.Default"/>.</param>
    /// <param name="cursor">The client's cursor.</param>
    /// <param name="limit">The most changes to return (1 to <see cref="PullRequest.MaxLimit"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    /// <exception cref="CursorTooOldException">The log was trimmed past <paramref name="cursor"/>.</exception>
    Task<PullResponse> PullAsync(string scope, ulong cursor, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the page <see cref="PullAsync"/> returns and gives back a function that writes it as the <c>/pull</c>
    /// answer (the protocol's JSON), so an endpoint can send a page without holding it as parsed JSON. The default
    /// serializes <see cref="PullAsync"/>'s answer; <see cref="SyncEngine"/> writes the stored values as they are.
    /// </summary>
    /// <param name="scope">The scope; empty means <see cref="Scopes.Default"/>.</param>
    /// <param name="cursor">The client's cursor.</param>
    /// <param name="limit">The most changes to return (1 to <see cref="PullRequest.MaxLimit"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Writes the answer to a stream (an HTTP response body).</returns>
    /// <exception cref="CursorTooOldException">The log was trimmed past <paramref name="cursor"/> (thrown here, before anything is written).</exception>
    async Task<Func<Stream, CancellationToken, Task>> PreparePullAsync(string scope, ulong cursor, int limit, CancellationToken cancellationToken = default)
    {
        var page = await PullAsync(scope, cursor, limit, cancellationToken).ConfigureAwait(false);
        return (output, ct) => System.Text.Json.JsonSerializer.SerializeAsync(output, page, ProtocolJsonContext.Default.PullResponse, ct);
    }

    /// <summary>Returns every entity of a scope and the cursor that state is consistent with.</summary>
    /// <param name="scope">The scope; empty means <see cref="Scopes.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The snapshot.</returns>
    Task<SnapshotResponse> SnapshotAsync(string scope, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a scope's snapshot (<c>{"data": {...}, "cursor": n}</c>) to <paramref name="output"/> as it reads it
    /// from storage, so memory stays bounded by one entity however large the scope is.
    /// </summary>
    /// <param name="scope">The scope; empty means <see cref="Scopes.Default"/>.</param>
    /// <param name="output">Where to write the JSON (an HTTP response body).</param>
    /// <param name="cancellationToken">Cancels the read and the writes.</param>
    /// <returns>The cursor the snapshot is at.</returns>
    Task<ulong> WriteSnapshotAsync(string scope, Stream output, CancellationToken cancellationToken = default);
}
