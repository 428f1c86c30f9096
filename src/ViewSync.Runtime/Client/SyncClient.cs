using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ViewSync.Diagnostics;
using ViewSync.Live;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Persistence;
using ViewSync.Protocol;
using ViewSync.Store;
using ViewSync.Transport;

namespace ViewSync;

/// <summary>
/// Keeps a <see cref="ViewSync.Replica"/> in sync with a server: pushes queued mutations, pulls changes
/// by cursor, takes snapshots, rebases pending mutations on new server state, and reacts to live
/// notifications — following the correctness rules of PROTOCOL.md.
/// </summary>
/// <remarks>
/// <para><b>Offline.</b> <see cref="StartAsync"/> succeeds with no network: reads and writes work
/// locally, and the loop retries on a timer with exponential backoff and jitter, honouring
/// <c>Retry-After</c>.</para>
/// <para><b>Rules kept.</b> The cursor moves only to what was pulled (or snapshotted); an acknowledged
/// mutation stays in the optimistic layer until a pull reaches its result cursor; after every pull
/// or snapshot the visible state is the server state plus the pending mutations replayed in order;
/// a mutation is never dropped silently: it is pushed, or reported through
/// <see cref="MutationRejected"/>; retries replay the same ids.</para>
/// </remarks>
public sealed partial class SyncClient : IAsyncDisposable
{
    private readonly SyncClientOptions _options;
    private readonly ISyncTransport _transport;
    private readonly HttpClient? _ownedHttpClient;
    private readonly IPersistence _persistence;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly ClientMetrics _metrics;
    private readonly SemaphoreSlim _cycleGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _stateGate = new();
    private readonly Dictionary<string, ulong> _acknowledged = new(StringComparer.Ordinal);
    private readonly Signal<bool> _online = new(false, name: "online");
    private readonly Signal<DateTimeOffset?> _lastSyncTime = new(null, name: "last sync");
    private readonly Signal<SyncError?> _lastError = new(null, name: "last error");
    private LiveConnection? _live;
    private CancellationTokenSource? _running;
    private Task? _loop;
    private readonly Uri? _baseUrl;
    private bool _snapshotTaken;
    private bool _pushAccepted;
    private int _isOnline;
    private int _disposed;

    /// <summary>Creates a client. Nothing happens until <see cref="StartAsync"/>.</summary>
    /// <param name="mutators">The app's mutators (a generated database's <c>Mutators</c>).</param>
    /// <param name="options">Where and how to sync.</param>
    /// <exception cref="ArgumentException">Neither a base URL nor a transport is set.</exception>
    public SyncClient(MutatorTable mutators, SyncClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(mutators);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = options.TimeProvider ?? TimeProvider.System;
        _random = options.Random ?? Random.Shared;
        _logger = options.LoggerFactory?.CreateLogger<SyncClient>() ?? NullLogger<SyncClient>.Instance;
        _persistence = options.Persistence ?? new MemoryPersistence();
        if (options.Transport is { } transport)
        {
            _transport = transport;
        }
        else
        {
            var http = options.HttpClient ?? options.HttpClientFactory?.CreateClient(options.HttpClientName);
            _baseUrl = options.BaseUrl ?? http?.BaseAddress ?? throw new ArgumentException(
                "Set SyncClientOptions.BaseUrl to the server's sync prefix, e.g. http://127.0.0.1:5000/_sync/.", nameof(options));
            if (http is null)
            {
                http = _ownedHttpClient = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            }

            http.BaseAddress ??= WithTrailingSlash(_baseUrl);
            _transport = new RefitSyncTransport(http, options.AccessTokenProvider, options.MaxResponseBytes);
        }

        if (options.MaxBatchBytes < EnvelopeBytes + 64)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatchBytes, "SyncClientOptions.MaxBatchBytes is too small to carry any mutation.");
        }

        Replica = new Replica(mutators, new ReplicaOptions
        {
            Scope = Scopes.Normalize(options.Scope),
            TimeProvider = _time,
            MaxMutationBytes = options.MaxBatchBytes - EnvelopeBytes,
        });
        Replica.MutationQueued += OnMutationQueued;
        Replica.PersistenceFailed += OnPersistenceFailed;
        _metrics = ClientMetrics.For(options.MeterFactory);
        _metrics.Register(this);
    }

    /// <summary>Raised for every problem the client meets (it keeps running). Raised on the sync loop's thread.</summary>
    public event EventHandler<SyncErrorEventArgs>? Error;

    /// <summary>Raised after each completed sync cycle.</summary>
    public event EventHandler<SyncedEventArgs>? Synced;

    /// <summary>Raised when the server becomes reachable or unreachable.</summary>
    /// <remarks>Online is state, and state is a signal: read <see cref="Online"/>, or bind <see cref="SyncStatus.IsOnline"/> of <see cref="Status"/>.</remarks>
    [Obsolete("Online is state: read the Online signal (in an Effect or Computed), or bind Status.IsOnline, which raises PropertyChanged on the configured SynchronizationContext.")]
    public event EventHandler<bool>? OnlineChanged;

    /// <summary>Raised when the server rejects a mutation for good; its effects have been rolled back.</summary>
    public event EventHandler<MutationRejectedEventArgs>? MutationRejected;

    /// <summary>The local copy: confirmed state, pending mutations and the visible store.</summary>
    public Replica Replica { get; }

    /// <summary>The visible store.</summary>
    public LocalStore Store => Replica.Store;

    /// <summary>The cursor the client has pulled up to.</summary>
    public ulong Cursor => Replica.Cursor;

    /// <summary>Whether the last request reached the server.</summary>
    public IReadOnlySignal<bool> Online => _online;

    /// <summary>The number of mutations the server has not confirmed yet.</summary>
    public IReadOnlySignal<int> PendingCount => Replica.PendingCount;

    /// <summary>When the last sync cycle completed.</summary>
    public IReadOnlySignal<DateTimeOffset?> LastSyncTime => _lastSyncTime;

    /// <summary>The last problem, cleared by the next successful cycle.</summary>
    public IReadOnlySignal<SyncError?> LastError => _lastError;

    /// <summary>
    /// Opens the journal (restoring the confirmed state and re-applying pending mutations optimistically;
    /// mutations made before starting are kept and recorded) and starts the sync loop. Succeeds offline: the
    /// first sync happens in the background.
    /// </summary>
    /// <param name="cancellationToken">Cancels loading.</param>
    /// <returns>A task that completes once the local state is loaded.</returns>
    /// <exception cref="InvalidOperationException">The client was started already.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_running is not null)
        {
            throw new InvalidOperationException("The sync client is already started; start it once, and StopAsync before starting again.");
        }

        if (!Replica.IsPersistent)
        {
            var opened = await Replica.OpenAsync(_persistence, _options.Journal, cancellationToken).ConfigureAwait(false);
            foreach (var problem in opened.Problems)
            {
                Report(new SyncError(SyncErrorKind.Persistence, $"Local data was damaged; every intact record was kept: {problem}"));
            }
        }

        using (_stateGate.EnterScope())
        {
            _snapshotTaken = Replica.Cursor > 0;
        }

        _running = new CancellationTokenSource();
        if (!_options.AutomaticSync)
        {
            return;
        }

        if (_options.Live is { } live)
        {
            _live = new LiveConnection(LiveUri(live), Replica.Scope, live, _options.AccessTokenProvider, _time, _random, _logger, Wake);
            _live.Start(_running.Token);
        }

        _loop = Task.Run(() => RunAsync(_running.Token), CancellationToken.None);
    }

    /// <summary>Stops the loop and the live connection, and flushes the journal to disk.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_running is not { } running)
        {
            return;
        }

        await running.CancelAsync().ConfigureAwait(false);
        if (_live is { } live)
        {
            await live.DisposeAsync().ConfigureAwait(false);
            _live = null;
        }

        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Reported here; stopping still completes.
            Report(new SyncError(SyncErrorKind.Persistence, $"Flushing the journal failed: {e.Message}", e));
        }
        finally
        {
            running.Dispose();
            _running = null;
            _loop = null;
        }
    }

    /// <summary>Pushes pending mutations, then pulls until up to date. Throws when the server cannot be reached or refuses.</summary>
    /// <param name="cancellationToken">Cancels the cycle.</param>
    /// <returns>A task that completes when the cycle is done.</returns>
    /// <exception cref="SyncException">The cycle failed: <see cref="SyncException.Kind"/> says what kind of problem it was
    /// (<see cref="SyncErrorKind.Network"/>, <see cref="SyncErrorKind.Unauthorized"/>, <see cref="SyncErrorKind.Refused"/>,
    /// <see cref="SyncErrorKind.MalformedResponse"/>…) and <see cref="Exception.InnerException"/> holds the cause.
    /// <see cref="LastError"/> reports the same problem. The loop keeps retrying.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task SyncAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await RunCycleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SyncFailure failure)
        {
            throw new SyncException(failure.Error);
        }
    }

    /// <summary>Applies a mutator optimistically and queues it for the server (see <see cref="Replica.Mutate(string, JsonElement)"/>).</summary>
    /// <param name="name">The mutator name.</param>
    /// <param name="args">Its arguments, a JSON object.</param>
    /// <returns>The mutation's id.</returns>
    public string Mutate(string name, JsonElement args) => Replica.Mutate(name, args);

    /// <summary>
    /// Waits until every change recorded so far is flushed to disk. Each one already reached the operating
    /// system before the call that made it returned (a killed process loses nothing); this covers power loss.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when they are durable.</returns>
    /// <exception cref="IOException">(Or whatever the persistence threw.) The flush failed.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Replica.FlushAsync(cancellationToken);

    /// <summary>Stops the client (see <see cref="StopAsync"/>) and releases the journal and the HTTP client it created. Disposing twice does nothing.</summary>
    /// <returns>A task that completes when disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _metrics.Unregister(this);
        Replica.MutationQueued -= OnMutationQueued;
        Replica.PersistenceFailed -= OnPersistenceFailed;
        Interlocked.Exchange(ref _status, null)?.Dispose();
        if (Replica.IsPersistent)
        {
            await Replica.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await _persistence.DisposeAsync().ConfigureAwait(false);
        }

        _ownedHttpClient?.Dispose();
        _cycleGate.Dispose();
        _wake.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            var unauthorized = false;
            try
            {
                await RunCycleAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
                wait = _live is { IsConnected: true } ? _options.PullInterval * 10 : _options.PullInterval;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SyncFailure failure)
            {
                failures++;
                unauthorized = failure.Error.Kind == SyncErrorKind.Unauthorized;
                wait = failure.IsTransient || unauthorized ? Backoff(failures, failure.RetryAfter) : _options.MaxRetryDelay;
            }
            catch (Exception e)
            {
                failures++;
                Report(new SyncError(SyncErrorKind.Internal, $"The sync loop failed unexpectedly: {e.Message}", e));
                wait = Backoff(failures, null);
            }

            try
            {
                // A local write or a live notice ends the wait, but after a failure not before PushInterval:
                // the next edit is not held back by a long backoff, and typing cannot turn retries into a hot loop.
                // Refused credentials wait the whole backoff: an edit cannot fix them, and each cycle costs the server two 401s.
                var earliest = failures == 0 ? TimeSpan.Zero
                    : unauthorized ? wait
                    : TimeSpan.FromTicks(Math.Min(wait.Ticks, _options.PushInterval.Ticks));
                await WaitAsync(wait, earliest, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One cycle: snapshot first if there is no state yet, push, then pull until up to date. A failed push
    /// does not stop the pull (other clients' changes still arrive); the push failure is thrown after it.
    /// </summary>
    private async Task RunCycleAsync(CancellationToken cancellationToken)
    {
        await _cycleGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        using var activity = ViewSyncClientDiagnostics.Source.StartActivity("viewsync.sync");
        var outcome = "cancelled";
        SyncErrorKind? failed = null;
        try
        {
            bool needsSnapshot;
            using (_stateGate.EnterScope())
            {
                needsSnapshot = !_snapshotTaken;
            }

            if (needsSnapshot)
            {
                await SnapshotAsync(cancellationToken).ConfigureAwait(false);
            }

            SyncFailure? pushFailure = null;
            try
            {
                await PushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SyncFailure failure) when (failure.Error.Kind is not (SyncErrorKind.Network or SyncErrorKind.Unauthorized))
            {
                // Refused credentials would refuse the pull too: the cycle ends at the push.
                pushFailure = failure;
            }

            await PullAsync(cancellationToken).ConfigureAwait(false);
            if (pushFailure is not null)
            {
                throw pushFailure;
            }

            SetOnline(true);
            var now = _time.GetUtcNow();
            SetStatus(() =>
            {
                _lastError.Set(null);
                _lastSyncTime.Set(now);
            });
            outcome = "success";
            Synced?.Invoke(this, new SyncedEventArgs(Cursor));
        }
        catch (SyncFailure caught)
        {
            var failure = ExplainNotFound(caught);
            outcome = "failure";
            failed = failure.Error.Kind;
            SetOnline(failure.Error.Kind is not (SyncErrorKind.Network or SyncErrorKind.Persistence));
            Report(failure.Error);
            if (ReferenceEquals(failure, caught))
            {
                throw;
            }

            throw failure;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = "failure";
            failed = SyncErrorKind.Internal;
            throw;
        }
        finally
        {
            _cycleGate.Release();
            RecordCycle(activity, started, outcome, failed);
        }
    }

    /// <summary>The cycle's duration and outcome into the meter and its activity.</summary>
    private void RecordCycle(Activity? activity, long started, string outcome, SyncErrorKind? failed)
    {
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var outcomeTag = new KeyValuePair<string, object?>(ViewSyncClientDiagnostics.OutcomeTag, outcome);
        if (failed is { } kind)
        {
            _metrics.SyncDuration.Record(elapsed, outcomeTag, new KeyValuePair<string, object?>(ViewSyncClientDiagnostics.ErrorKindTag, kind.ToString()));
            activity?.SetTag(ViewSyncClientDiagnostics.ErrorKindTag, kind.ToString());
            activity?.SetStatus(ActivityStatusCode.Error, kind.ToString());
        }
        else
        {
            _metrics.SyncDuration.Record(elapsed, outcomeTag);
        }

        activity?.SetTag(ViewSyncClientDiagnostics.OutcomeTag, outcome);
    }

    private async Task PushAsync(CancellationToken cancellationToken)
    {
        // Only what was waiting when the push started: mutations made meanwhile go in the next cycle, so writes that
        // keep coming faster than the server answers cannot hold the pull back. Each is sent at most once per cycle,
        // so the loop ends whatever the server answers.
        HashSet<string> due;
        using (_stateGate.EnterScope())
        {
            due = Replica.Pending().Where(m => !_acknowledged.ContainsKey(m.Id)).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        }

        var sent = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            List<Mutation> waiting;
            using (_stateGate.EnterScope())
            {
                waiting = [.. Replica.Pending().Where(m => due.Contains(m.Id) && !_acknowledged.ContainsKey(m.Id) && !sent.Contains(m.Id))];
            }

            var batch = NextBatch(waiting);
            if (batch.Count == 0)
            {
                return;
            }

            sent.UnionWith(batch.Select(m => m.Id));
            await PushBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The front of the queue, cut by count and by serialized size (with the envelope).</summary>
    private List<Mutation> NextBatch(List<Mutation> waiting)
    {
        var batch = new List<Mutation>();
        var bytes = (long)EnvelopeBytes;
        var maxCount = Math.Clamp(_options.PushBatchSize, 1, PushRequest.MaxBatch);
        foreach (var mutation in waiting)
        {
            var size = mutation.ToUtf8Json().Length + 1; // and a comma
            if (batch.Count == maxCount || (batch.Count > 0 && bytes + size > _options.MaxBatchBytes))
            {
                break;
            }

            batch.Add(mutation);
            bytes += size;
        }

        return batch;
    }

    /// <summary>
    /// Pushes one batch. A <c>400</c> for the whole batch is bisected to find the mutation the server cannot
    /// take; that one is rejected (once the server has shown it accepts this client's pushes, so a server that
    /// refuses everything cannot make the client drop its queue).
    /// </summary>
    private async Task PushBatchAsync(List<Mutation> batch, CancellationToken cancellationToken)
    {
        using var activity = ViewSyncClientDiagnostics.Source.StartActivity("viewsync.push");
        activity?.SetTag(ViewSyncClientDiagnostics.MutationCountTag, batch.Count);
        var result = await _transport.PushAsync(new PushRequest { Mutations = batch }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Describe());
            var failure = SyncFailure.From("push", result);
            if (result.StatusCode != System.Net.HttpStatusCode.BadRequest)
            {
                throw failure;
            }

            if (batch.Count > 1)
            {
                var half = batch.Count / 2;
                await PushBatchAsync(batch[..half], cancellationToken).ConfigureAwait(false);
                await PushBatchAsync(batch[half..], cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!Volatile.Read(ref _pushAccepted))
            {
                throw failure;
            }

            await RejectAsync([(batch[0], ErrorCodes.InvalidMutation, $"the server refused it on its own: {result.Describe()}")], cancellationToken).ConfigureAwait(false);
            return;
        }

        Volatile.Write(ref _pushAccepted, true);
        var results = result.Value!.Results;
        if (results is null || results.Count != batch.Count)
        {
            throw SyncFailure.Malformed("push", $"{batch.Count} mutations were sent but {results?.Count ?? 0} results came back");
        }

        var rejected = new List<(Mutation Mutation, string Code, string Error)>();
        using (_stateGate.EnterScope())
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (results[i] is not { } answer)
                {
                    throw SyncFailure.Malformed("push", $"result {i} is null");
                }

                if (answer.Ok)
                {
                    // Rule 2: it stays in the optimistic layer until a pull reaches this cursor. Without a cursor,
                    // until a pull that started after this answer reaches the server's head.
                    _acknowledged[batch[i].Id] = answer.Cursor ?? AtHead;
                }
                else
                {
                    rejected.Add((batch[i], answer.EffectiveCode!, answer.Error ?? "rejected"));
                }
            }
        }

        activity?.SetTag(ViewSyncClientDiagnostics.RejectedCountTag, rejected.Count);
        if (rejected.Count > 0)
        {
            await RejectAsync(rejected, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RejectAsync(List<(Mutation Mutation, string Code, string Error)> rejected, CancellationToken cancellationToken)
    {
        // One record for the batch's rejections: all of them are reported, or (recording failed) none left the queue.
        await PersistOrFailAsync(() => DispatchAsync(() => Replica.Reject([.. rejected.Select(r => new MutationRejection(r.Mutation.Id, r.Code, r.Error))]))).ConfigureAwait(false);
        foreach (var (mutation, code, error) in rejected)
        {
            LogRejected(mutation.Name, mutation.Id, code, error);
            MutationRejected?.Invoke(this, new MutationRejectedEventArgs(mutation, code, error));
            Report(new SyncError(SyncErrorKind.MutationRejected, $"The server rejected {mutation.Name} ({mutation.Id}): {code}: {error}", Mutation: mutation, Code: code));
        }

        // A conflict means our view of the server is stale: start again from a snapshot, with the rest replayed on top.
        if (rejected.Any(r => r.Code == ErrorCodes.Conflict))
        {
            await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PullAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var from = Cursor;
            using var activity = ViewSyncClientDiagnostics.Source.StartActivity("viewsync.pull");
            activity?.SetTag(ViewSyncClientDiagnostics.CursorTag, from);
            var result = await _transport.PullAsync(new PullRequest { Scope = Replica.Scope, Cursor = from, Limit = _options.PullLimit }, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == TransportOutcome.CursorTooOld)
            {
                await SnapshotAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!result.IsSuccess)
            {
                activity?.SetStatus(ActivityStatusCode.Error, result.Describe());
                throw SyncFailure.From("pull", result);
            }

            // The transport decoded the page (PullPage.ReadAsync): its writes hold values nothing else references, kept as they are.
            var page = result.Value!;
            if (page.CursorAfter(from) is not { } next)
            {
                throw SyncFailure.Malformed("pull", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"the page goes backwards or does not advance (from cursor {from}, next_cursor {(object?)page.NextCursor ?? "absent"}, " +
                    $"{page.ChangeCount} changes, cursors {(object?)page.LowestCursor ?? "-"} to {(object?)page.LastCursor ?? "-"}, has_more {page.HasMore})"));
            }

            activity?.SetTag(ViewSyncClientDiagnostics.EntriesTag, page.ChangeCount);
            activity?.SetTag(ViewSyncClientDiagnostics.HasMoreTag, page.HasMore);
            activity?.SetTag(ViewSyncClientDiagnostics.NextCursorTag, next);
            var confirmed = Confirmed(next, upToDate: !page.HasMore);
            await PersistOrFailAsync(() => DispatchAsync(() => Replica.ApplyCheckedServerChanges(page.Writes, next, confirmed))).ConfigureAwait(false);
            using (_stateGate.EnterScope())
            {
                foreach (var id in confirmed)
                {
                    _acknowledged.Remove(id);
                }
            }

            if (!page.HasMore)
            {
                return;
            }
        }
    }

    private async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        // Each entity is recorded in the journal as it arrives; the snapshot replaces the confirmed state only once whole.
        using var activity = ViewSyncClientDiagnostics.Source.StartActivity("viewsync.snapshot");
        SnapshotLoad load;
        TransportResult<SnapshotSummary> result;
        try
        {
            load = Replica.BeginSnapshot();
        }
        catch (IOException e)
        {
            throw RecordingFailed(e);
        }

        using var loading = load;
        try
        {
            result = await _transport.SnapshotAsync(new SnapshotRequest { Scope = Replica.Scope }, load, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw RecordingFailed(e);
        }

        if (!result.IsSuccess)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Describe());
            throw SyncFailure.From("snapshot", result);
        }

        var cursor = result.Value!.Cursor;
        activity?.SetTag(ViewSyncClientDiagnostics.NextCursorTag, cursor);
        var confirmed = Confirmed(cursor, upToDate: true);
        await PersistOrFailAsync(() => DispatchAsync(() => load.Complete(cursor, confirmed))).ConfigureAwait(false);
        using (_stateGate.EnterScope())
        {
            _snapshotTaken = true;
            foreach (var id in confirmed)
            {
                _acknowledged.Remove(id);
            }
        }
    }

    /// <summary>
    /// Acknowledged mutations whose effects a state at <paramref name="cursor"/> includes; when the state is
    /// the server's head as of a request sent after every acknowledgement so far, also those answered without a cursor.
    /// </summary>
    private List<string> Confirmed(ulong cursor, bool upToDate)
    {
        using var scope = _stateGate.EnterScope();
        return [.. _acknowledged.Where(a => a.Value == AtHead ? upToDate : a.Value <= cursor).Select(a => a.Key)];
    }

    /// <summary>Runs a change that is recorded in the journal; a failure to record it fails the cycle as a persistence problem (nothing changed).</summary>
    private static async Task PersistOrFailAsync(Func<Task> change)
    {
        try
        {
            await change().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw RecordingFailed(e);
        }
    }

    private static SyncFailure RecordingFailed(IOException e) =>
        new(new SyncError(SyncErrorKind.Persistence, $"Recording server state in the journal failed, so it was not applied: {e.Message}", e), null, transient: true);

    private void OnMutationQueued(object? sender, MutationQueuedEventArgs e) => Wake();

    private void OnPersistenceFailed(object? sender, ErrorEventArgs e)
    {
        var error = e.GetException();
        Report(new SyncError(SyncErrorKind.Persistence, $"Flushing or compacting the journal failed: {error.Message}. Changes already recorded reached the operating system; a power loss could lose the newest ones.", error));
    }

    /// <summary>Runs a change to the reactive graph on the configured context (the UI thread), or inline.</summary>
    private Task DispatchAsync(Action apply)
    {
        if (_options.SynchronizationContext is not { } context || ContextAffinity.IsCurrent(context))
        {
            apply();
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Post(_ =>
        {
            try
            {
                ContextAffinity.Learn(context);
                apply();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }, null);
        return done.Task;
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
            // Already awake, or shutting down.
        }
    }

    /// <summary>Waits <paramref name="delay"/>, or less when woken, but never less than <paramref name="earliest"/>.</summary>
    private async Task WaitAsync(TimeSpan delay, TimeSpan earliest, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, _time, linked.Token);
        if (earliest > TimeSpan.Zero)
        {
            await Task.WhenAny(Task.Delay(earliest, _time, linked.Token)).ConfigureAwait(false);
        }

        if (!timer.IsCompleted)
        {
            await Task.WhenAny(timer, _wake.WaitAsync(linked.Token)).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await linked.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Exponential backoff with full jitter, never shorter than the server's Retry-After.</summary>
    private TimeSpan Backoff(int failures, TimeSpan? retryAfter)
    {
        var ceiling = Math.Min(_options.MaxRetryDelay.TotalMilliseconds, _options.PushInterval.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20)));
        var delay = TimeSpan.FromMilliseconds((ceiling / 2) + (_random.NextDouble() * ceiling / 2));
        return retryAfter is { } minimum && minimum > delay ? minimum : delay;
    }

    private void SetOnline(bool online)
    {
        if (Interlocked.Exchange(ref _isOnline, online ? 1 : 0) != (online ? 1 : 0))
        {
            SetStatus(() => _online.Set(online));
#pragma warning disable CS0618 // Raised for apps that still listen to it.
            OnlineChanged?.Invoke(this, online);
#pragma warning restore CS0618
        }
    }

    /// <summary>Sets status signals where the graph's other changes happen: on the configured context, in order, without waiting.</summary>
    private void SetStatus(Action set)
    {
        try
        {
            _ = DispatchAsync(set);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The context is closed (the window is gone): nobody is left to see the status.
        }
    }

    private void Report(SyncError error)
    {
        LogError(error.Kind, error.Message);
        _metrics.Failures.Add(1, new KeyValuePair<string, object?>(ViewSyncClientDiagnostics.ErrorKindTag, error.Kind.ToString()));
        SetStatus(() => _lastError.Set(error));
        Error?.Invoke(this, new SyncErrorEventArgs(error));
    }

    private Uri LiveUri(LiveOptions live)
    {
        if (live.Url is { } url)
        {
            return url;
        }

        var baseUrl = _baseUrl ?? throw new ArgumentException(
            "Set LiveOptions.Url: it cannot be derived without a base URL.", nameof(live));
        return LiveConnection.DefaultEndpoint(baseUrl);
    }

    /// <summary>Bytes of a push body around its mutations: <c>{"mutations":[</c> and <c>]}</c>.</summary>
    private const int EnvelopeBytes = 16;

    /// <summary>The acknowledgement cursor of a mutation answered <c>ok</c> without one.</summary>
    private const ulong AtHead = ulong.MaxValue;

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync problem ({Kind}): {Message}")]
    private partial void LogError(SyncErrorKind kind, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server rejected {Name} ({Id}): {Code}: {Error}")]
    private partial void LogRejected(string name, string id, string code, string error);
}
