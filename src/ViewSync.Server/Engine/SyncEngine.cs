using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Server.Storage;

namespace ViewSync.Server.Engine;

/// <summary>
/// The engine over an <see cref="ISyncStorage"/>: runs the app's mutators (the same generated code
/// the clients run optimistically) against each scope's state, one mutation at a time.
/// </summary>
/// <remarks>
/// <para><b>Exactly once.</b> Mutations are deduplicated by (scope, id): a replay answers what the
/// first attempt answered — <c>ok</c> with the same cursor, or the same rejection — and applies nothing.</para>
/// <para><b>Rejections.</b> A mutator throwing <see cref="MutationRejectedException"/> rejects with its
/// code; any other exception is a bug in the mutator and rejects with <c>internal_error</c> (logged).
/// Either way nothing the mutator wrote is kept, and the rejection is final.</para>
/// <para><b>Pull.</b> <c>next_cursor</c> is the last returned change's cursor while <c>has_more</c>; on
/// the last page it is the log head read in the same consistent read, so a client skips past other
/// scopes' changes without ever skipping one of its own.</para>
/// </remarks>
public sealed partial class SyncEngine : ISyncEngine, IAsyncDisposable
{
    private readonly ISyncStorage _storage;
    private readonly SyncEngineOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the engine.</summary>
    /// <param name="storage">Where state, log and applied ids live. The engine owns it and disposes it.</param>
    /// <param name="options">Mutators, retention, clock and logging.</param>
    public SyncEngine(ISyncStorage storage, SyncEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        _storage = storage;
        _options = options;
        _logger = options.LoggerFactory?.CreateLogger<SyncEngine>() ?? NullLogger<SyncEngine>.Instance;
        if (storage is ISyncStorageChangeFeed feed)
        {
            // Changes committed by other nodes sharing the storage wake this node's subscribers as its own do.
            feed.RemoteLogAdvanced += OnRemoteLogAdvanced;
        }
    }

    /// <inheritdoc />
    public event EventHandler<LogAdvancedEventArgs>? LogAdvanced;

    /// <inheritdoc />
    /// <remarks>
    /// With <see cref="SyncEngineOptions.GroupCommit"/> the batch is one storage transaction: nothing is answered
    /// (or announced) before it commits, and when the commit fails the whole batch fails and may be retried.
    /// </remarks>
    public async Task<IReadOnlyList<PushResult>> PushAsync(IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mutations);
        var results = new PushResult[mutations.Count];
        var advanced = new Dictionary<string, ulong>(StringComparer.Ordinal);
        try
        {
            if (_options.GroupCommit)
            {
                var pending = new PendingMutation[mutations.Count];
                for (var i = 0; i < mutations.Count; i++)
                {
                    var mutation = mutations[i];
                    pending[i] = new PendingMutation(Scopes.Normalize(mutation.Scope), mutation.Id, state => Run(mutation, state));
                }

                var stored = await _storage.ApplyBatchAsync(pending, _options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < stored.Count; i++)
                {
                    results[i] = Answer(stored[i], pending[i].Scope, advanced);
                }
            }
            else
            {
                for (var i = 0; i < mutations.Count; i++)
                {
                    var mutation = mutations[i];
                    var scope = Scopes.Normalize(mutation.Scope);
                    var stored = await _storage.ApplyOnceAsync(scope, mutation.Id, state => Run(mutation, state), _options.TimeProvider.GetUtcNow(), cancellationToken)
                        .ConfigureAwait(false);
                    results[i] = Answer(stored, scope, advanced);
                }
            }
        }
        finally
        {
            // Whatever committed is announced, even when a later mutation of the batch was cancelled.
            foreach (var (scope, cursor) in advanced)
            {
                LogAdvanced?.Invoke(this, new LogAdvancedEventArgs(scope, cursor));
            }
        }

        return results;
    }

    private static PushResult Answer(StoredResult stored, string scope, Dictionary<string, ulong> advanced)
    {
        if (!stored.IsReplay && stored.Changes.Count > 0)
        {
            advanced[scope] = stored.Cursor;
        }

        return stored.Ok
            ? PushResult.Applied(stored.Cursor, stored.IsReplay ? null : ChangeEncoder.ToChanges(stored.Changes))
            : PushResult.Rejected(stored.Code ?? ErrorCodes.InvalidMutation, stored.Error ?? "The mutation was rejected.");
    }

    private void OnRemoteLogAdvanced(object? sender, LogAdvancedEventArgs e) => LogAdvanced?.Invoke(this, e);

    /// <inheritdoc />
    public async Task<PullResponse> PullAsync(string scope, ulong cursor, int limit, CancellationToken cancellationToken = default)
    {
        var (page, next) = await ReadPageAsync(scope, cursor, limit, cancellationToken).ConfigureAwait(false);
        return new PullResponse { Changes = ChangeEncoder.ToChanges(page.Entries), HasMore = page.HasMore, NextCursor = next };
    }

    /// <inheritdoc />
    /// <remarks>
    /// The stored values go into the answer as they are, flushed as they fill a small buffer: the page is never
    /// parsed into <see cref="Change"/>s, so it is held once (as read from storage), not two or three times over.
    /// </remarks>
    public async Task<Func<Stream, CancellationToken, Task>> PreparePullAsync(string scope, ulong cursor, int limit, CancellationToken cancellationToken = default)
    {
        var (page, next) = await ReadPageAsync(scope, cursor, limit, cancellationToken).ConfigureAwait(false);
        return (output, ct) => WritePullAsync(page, next, output, ct);
    }

    /// <summary>The same bytes as <see cref="PullResponse"/> serialized: <c>{"changes": [...], "has_more": b, "next_cursor": n}</c>.</summary>
    private static async Task WritePullAsync(LogPage page, ulong next, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartArray("changes");
        foreach (var entry in page.Entries)
        {
            ChangeEncoder.Write(writer, entry);
            if (writer.BytesPending >= SnapshotFlushBytes)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        writer.WriteBoolean("has_more", page.HasMore);
        writer.WriteNumber("next_cursor", next);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(LogPage Page, ulong Next)> ReadPageAsync(string scope, ulong cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PullRequest.MaxLimit);
        var page = await _storage.ReadLogAsync(Scopes.Normalize(scope), cursor, limit, _options.MaxPageBytes, cancellationToken).ConfigureAwait(false);
        if (cursor < page.TrimmedThrough)
        {
            throw new CursorTooOldException(cursor, page.TrimmedThrough);
        }

        var next = page.HasMore ? page.Entries[^1].Cursor : Math.Max(cursor, page.Head);
        Measure(page, next);
        return (page, next);
    }

    /// <inheritdoc />
    public async Task<SnapshotResponse> SnapshotAsync(string scope, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, Dictionary<string, JsonElement>>(StringComparer.Ordinal);
        var head = await _storage.ReadStateAsync(Scopes.Normalize(scope), (entity, id, json) =>
        {
            if (!data.TryGetValue(entity, out var values))
            {
                data[entity] = values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            }

            var reader = new Utf8JsonReader(json.Span);
            values[id] = JsonElement.ParseValue(ref reader);
            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return new SnapshotResponse { Data = data.ToDictionary(e => e.Key, e => (IReadOnlyDictionary<string, JsonElement>)e.Value, StringComparer.Ordinal), Cursor = head };
    }

    /// <inheritdoc />
    public async Task<ulong> WriteSnapshotAsync(string scope, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartObject("data");
        string? current = null;
        var head = await _storage.ReadStateAsync(Scopes.Normalize(scope), async (entity, id, json) =>
        {
            if (!string.Equals(entity, current, StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    writer.WriteEndObject();
                }

                writer.WriteStartObject(entity);
                current = entity;
            }

            writer.WritePropertyName(id);
            writer.WriteRawValue(json.Span, skipInputValidation: true);
            if (writer.BytesPending >= SnapshotFlushBytes)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (current is not null)
        {
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteNumber("cursor", head);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return head;
    }

    /// <summary>Deletes log entries older than <see cref="SyncEngineOptions.Retention"/>; does nothing without one.</summary>
    /// <param name="cancellationToken">Cancels the trim.</param>
    /// <returns>The number of entries deleted.</returns>
    public async Task<int> TrimAsync(CancellationToken cancellationToken = default)
    {
        if (_options.Retention is not { } retention)
        {
            return 0;
        }

        var removed = await _storage.TrimAsync(_options.TimeProvider.GetUtcNow() - retention, cancellationToken).ConfigureAwait(false);
        _options.Metrics?.LogTrimmed.Add(removed);
        return removed;
    }

    /// <summary>Page size into the metrics and onto the request's <c>viewsync.pull</c> activity.</summary>
    private void Measure(LogPage page, ulong next)
    {
        if (_options.Metrics is { } metrics)
        {
            long bytes = 0;
            foreach (var entry in page.Entries)
            {
                bytes += entry.Value?.Length ?? 0;
            }

            metrics.PullEntries.Record(page.Entries.Count);
            metrics.PullBytes.Record(bytes);
            metrics.ObserveHead(page.Head);
        }

        if (System.Diagnostics.Activity.Current is { } activity && activity.Source == ViewSyncServerDiagnostics.Source)
        {
            activity.SetTag(ViewSyncServerDiagnostics.EntriesTag, page.Entries.Count);
            activity.SetTag(ViewSyncServerDiagnostics.HasMoreTag, page.HasMore);
            activity.SetTag(ViewSyncServerDiagnostics.NextCursorTag, next);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_storage is ISyncStorageChangeFeed feed)
        {
            feed.RemoteLogAdvanced -= OnRemoteLogAdvanced;
        }

        return _storage.DisposeAsync();
    }

    /// <summary>A snapshot is handed to the output in pieces of about this size.</summary>
    private const int SnapshotFlushBytes = 64 * 1024;

    private MutationOutcome Run(Mutation mutation, IEntityReader state)
    {
        var transaction = new BufferedTransaction(state);
        try
        {
            if (!_options.Mutators.Contains(mutation.Name))
            {
                if (_options.RawApply is not { } raw)
                {
                    // Named alone: listing every mutator would tell any caller the app's whole API.
                    return MutationOutcome.Rejected(ErrorCodes.InvalidMutation, $"Unknown mutator '{Shorten(mutation.Name)}'.");
                }

                raw(mutation, transaction);
            }
            else
            {
                _options.Mutators.Apply(transaction, mutation.Name, mutation.Args);
            }

            return MutationOutcome.Applied(transaction.Writes);
        }
        catch (MutationRejectedException e)
        {
            return MutationOutcome.Rejected(e.Code, e.Message);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            // What a mutator throws when the arguments do not fit (an empty id, a value that does not
            // parse): the client's fault, not a bug in the server, so no stack trace at Error.
            LogMutatorRefusedArguments(mutation.Name, mutation.Id);
            return MutationOutcome.Rejected(ErrorCodes.InvalidMutation, $"Mutator '{Shorten(mutation.Name)}' refused its arguments.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogMutatorFailed(e, mutation.Name, mutation.Id);
            return MutationOutcome.Rejected(ErrorCodes.InternalError, $"Mutator '{mutation.Name}' failed on the server.");
        }
    }

    private static string Shorten(string value) => value.Length <= 100 ? value : string.Concat(value.AsSpan(0, 100), "…");

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mutator {Name} refused the arguments of mutation {Id}; rejected as invalid_mutation.")]
    private partial void LogMutatorRefusedArguments(string name, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mutator {Name} threw while applying mutation {Id}; rejected as internal_error.")]
    private partial void LogMutatorFailed(Exception exception, string name, string id);
}
