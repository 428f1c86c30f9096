using System.Security.Cryptography;
using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Store;

namespace ViewSync.Persistence;

/// <summary>
/// The one writer of a replica's journal: every state change becomes one record, handed to the
/// <see cref="IPersistence"/> before the change is made visible; flushes to disk are grouped within
/// <see cref="JournalOptions.FlushWindow"/>; compaction runs in the background and swaps the file atomically.
/// </summary>
/// <remarks>
/// The replica appends under its own lock, so journal order is the order in which the replica changed.
/// Appends are serialised here as well (snapshot chunks come from the sync loop without the replica's lock).
/// </remarks>
internal sealed class ReplicaJournal : IAsyncDisposable
{
    /// <summary>A snapshot is journaled in chunks of about this size, so it never needs one huge record.</summary>
    internal const int ChunkBytes = 256 * 1024;

    private readonly IPersistence _storage;
    private readonly JournalOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly ByteBuffer _buffer = new(4096);

    /// <summary>Writes each queued mutation's JSON into <see cref="_buffer"/> (under <see cref="_gate"/>); owns nothing to release.</summary>
    private readonly Utf8JsonWriter _json;
    private Func<JournalCheckpoint?>? _checkpoint;
    private long _position;        // offset of the end of the log in the current file
    private long _written;         // bytes appended since opening, across compactions: what durability is counted in
    private long _durable;         // of _written, how much is flushed
    private long _nextCompaction;
    private bool _flushScheduled;
    private Task? _compaction;
    private int _openSnapshots;
    private bool _disposed;

    private ReplicaJournal(IPersistence storage, JournalOptions options, TimeProvider time, long length, long liveBytes)
    {
        _storage = storage;
        _json = new Utf8JsonWriter(_buffer);
        _options = options;
        _time = time;
        _position = length;
        // A journal that a crash left long (most of it dead records) is compacted at the next write.
        _nextCompaction = Math.Max(options.CompactionThresholdBytes, 2 * liveBytes);
    }

    /// <summary>Raised when a background flush or compaction fails (the journal keeps working).</summary>
    public event Action<Exception>? BackgroundFailure;

    /// <summary>Compactions committed so far (for tests and diagnostics).</summary>
    public int Compactions { get; private set; }

    /// <summary>Opens the storage, replays it, repairs it when damaged, and returns the state it holds.</summary>
    public static async Task<(ReplicaJournal Journal, RecoveredJournal State)> OpenAsync(
        IPersistence storage, JournalOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var image = await storage.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = JournalReplay.Replay(image.Log.Span, storage.Location);
            if (state.IsEmpty && image.UsedBefore)
            {
                state.Problems.Add(new PersistenceProblem(
                    PersistenceProblemKind.JournalMissing, storage.Location, 0, 0,
                    "the journal is missing although this location was used before; the client starts empty with a new client id, "
                    + "and mutations that were pending in the lost journal are gone"));
            }

            if (state.ClientId is null || state.Problems.Exists(p => p.Kind == PersistenceProblemKind.JournalCorrupt))
            {
                // A damaged region may have held the latest sequence number reservation: a new client id keeps
                // every future mutation id (client id + sequence number) distinct from any id used before.
                state.ClientId = MutationIds.NewClientId();
                state.NeedsRewrite = true;
            }

            if (state.Problems.Count > 0 && !image.Log.IsEmpty)
            {
                // Never overwrite damaged data without keeping the original beside it.
                var copy = storage.Preserve();
                for (var i = 0; i < state.Problems.Count; i++)
                {
                    state.Problems[i] = state.Problems[i] with { PreservedCopy = copy };
                }
            }

            var journal = new ReplicaJournal(storage, options, time, image.Log.Length, state.LiveBytes());
            if (state.NeedsRewrite || image.Log.IsEmpty)
            {
                var confirmed = new ConfirmedImage(state.Confirmed);
                journal.Rewrite(new JournalCheckpoint(state.ClientId, state.LastSeq, state.Cursor, confirmed, state.Pending.Pending(), image.Log.Length));
            }

            return (journal, state);
        }
        catch
        {
            await storage.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Where compaction takes the state from: the replica, under its lock (null when it cannot now).</summary>
    public void SetCheckpointSource(Func<JournalCheckpoint?> checkpoint) => _checkpoint = checkpoint;

    /// <summary>The current end of the log, for a checkpoint; false while a snapshot is being written (compaction waits for it).</summary>
    public bool TryMark(out long position)
    {
        lock (_gate)
        {
            position = _position;
            return _openSnapshots == 0;
        }
    }

    public void AppendQueued(Mutation mutation)
    {
        lock (_gate)
        {
            _buffer.Clear();
            JournalRecords.Queued(_buffer, _json, mutation);
            AppendBuffer();
        }
    }

    public void AppendPage(ulong cursor, IReadOnlyCollection<EntityWrite> writes, IReadOnlyCollection<string> confirmed)
    {
        lock (_gate)
        {
            _buffer.Clear();
            JournalRecords.Page(_buffer, cursor, writes, confirmed);
            AppendBuffer();
        }
    }

    /// <summary>Records that sequence numbers up to <paramref name="reservedSeq"/> may be in use under <paramref name="clientId"/> (a meta record).</summary>
    public void AppendSeqReservation(string clientId, ulong reservedSeq)
    {
        lock (_gate)
        {
            _buffer.Clear();
            JournalRecords.Meta(_buffer, clientId, reservedSeq);
            AppendBuffer();
        }
    }

    public void AppendRejected(IReadOnlyCollection<string> ids)
    {
        lock (_gate)
        {
            _buffer.Clear();
            JournalRecords.Rejected(_buffer, ids);
            AppendBuffer();
        }
    }

    /// <summary>Starts journaling a snapshot; its chunks are written as they fill, its end by <see cref="AppendSnapshotEnd"/>.</summary>
    public JournalSnapshotWriter BeginSnapshot()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        var id = BitConverter.ToUInt64(random);
        lock (_gate)
        {
            _buffer.Clear();
            JournalRecords.SnapshotBegin(_buffer, id);
            AppendBuffer();
            _openSnapshots++;
        }

        return new JournalSnapshotWriter(this, id);
    }

    /// <summary>Appends a finished chunk (encoded by a <see cref="JournalSnapshotWriter"/>).</summary>
    public void AppendChunk(ReadOnlySpan<byte> frame)
    {
        lock (_gate)
        {
            Append(frame);
        }
    }

    public void AppendSnapshotEnd(ulong snapshot, ulong cursor, IReadOnlyCollection<string> confirmed)
    {
        lock (_gate)
        {
            _buffer.Clear();
            JournalRecords.SnapshotEnd(_buffer, snapshot, cursor, confirmed);
            AppendBuffer();
            _openSnapshots--;
        }
    }

    /// <summary>A snapshot that will not complete (its download failed): it no longer holds compaction back.</summary>
    public void AbandonSnapshot()
    {
        lock (_gate)
        {
            _openSnapshots--;
        }
    }

    /// <summary>Waits until every record appended so far is flushed to disk.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        long target;
        lock (_gate)
        {
            target = _written;
        }

        await FlushUpToAsync(target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for a running compaction, flushes, and closes the storage.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? compaction;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            compaction = _compaction;
        }

        if (compaction is not null)
        {
            await compaction.ConfigureAwait(false);
        }

        try
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Closing never throws: the failure is reported, and every record already reached the storage.
            BackgroundFailure?.Invoke(e);
        }
        finally
        {
            // The flush gate is not disposed: a flush scheduled just before may still pass through it.
            await _storage.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void AppendBuffer() => Append(_buffer.WrittenSpan);

    /// <summary>Hands bytes to the storage (under <see cref="_gate"/>), then schedules a flush and maybe a compaction.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.Append(bytes);
        _position += bytes.Length;
        _written += bytes.Length;
        if (!_flushScheduled)
        {
            _flushScheduled = true;
            _ = ScheduledFlushAsync();
        }

        if (_compaction is null && _position >= _nextCompaction && _checkpoint is not null)
        {
            _compaction = Task.Run(CompactAsync);
        }
    }

    private async Task ScheduledFlushAsync()
    {
        if (_options.FlushWindow > TimeSpan.Zero)
        {
            await Task.Delay(_options.FlushWindow, _time).ConfigureAwait(false);
        }
        else
        {
            await Task.Yield();
        }

        long target;
        lock (_gate)
        {
            _flushScheduled = false;
            target = _written;
        }

        try
        {
            await FlushUpToAsync(target, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            BackgroundFailure?.Invoke(e);
        }
    }

    /// <summary>Group commit: whoever holds the flush gate flushes everything written so far, for every waiter.</summary>
    private async Task FlushUpToAsync(long target, CancellationToken cancellationToken)
    {
        if (Interlocked.Read(ref _durable) >= target)
        {
            return;
        }

        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Read(ref _durable) >= target)
            {
                return;
            }

            long upTo;
            lock (_gate)
            {
                upTo = _written;
            }

            await _storage.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            MarkDurable(upTo);
        }
        finally
        {
            _flushGate.Release();
        }
    }

    private void MarkDurable(long upTo)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _durable);
        }
        while (current < upTo && Interlocked.CompareExchange(ref _durable, upTo, current) != current);
    }

    private void CompactAsync()
    {
        try
        {
            if (_checkpoint?.Invoke() is { } checkpoint)
            {
                Rewrite(checkpoint);
                return;
            }

            // A snapshot is being written: try again once it has grown further.
            lock (_gate)
            {
                _nextCompaction = _position + Math.Max(_options.CompactionThresholdBytes, ChunkBytes);
            }
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _nextCompaction = 2 * _position;
            }

            BackgroundFailure?.Invoke(e);
        }
        finally
        {
            lock (_gate)
            {
                _compaction = null;
            }
        }
    }

    /// <summary>Writes <paramref name="checkpoint"/> as a new log (outside the lock), then swaps it in with the records written since.</summary>
    private void Rewrite(JournalCheckpoint checkpoint)
    {
        using var rewrite = _storage.BeginRewrite();
        var buffer = new ByteBuffer(ChunkBytes + 4096);
        JournalFrames.WriteHeader(buffer);
        JournalRecords.Meta(buffer, checkpoint.ClientId, checkpoint.LastSeq);
        // Folding the image's deltas here, outside the replica's lock, also hands the replica a new base to adopt.
        var confirmed = checkpoint.Confirmed.Flatten().Base;
        if (checkpoint.Cursor != 0 || confirmed.Count > 0)
        {
            const ulong SnapshotId = 1; // the only snapshot in a freshly written log
            JournalRecords.SnapshotBegin(buffer, SnapshotId);
            var chunk = -1;
            var count = 0;
            foreach (var (entity, ids) in confirmed)
            {
                foreach (var (id, json) in ids)
                {
                    if (chunk < 0)
                    {
                        chunk = JournalRecords.BeginChunk(buffer, SnapshotId);
                    }

                    JournalRecords.ChunkEntry(buffer, entity, id, json.Span);
                    count++;
                    if (buffer.Length >= ChunkBytes)
                    {
                        JournalRecords.EndChunk(buffer, chunk, count);
                        rewrite.Append(buffer.WrittenSpan);
                        buffer.Clear();
                        (chunk, count) = (-1, 0);
                    }
                }
            }

            if (chunk >= 0)
            {
                JournalRecords.EndChunk(buffer, chunk, count);
            }

            JournalRecords.SnapshotEnd(buffer, SnapshotId, checkpoint.Cursor, []);
        }

        foreach (var mutation in checkpoint.Pending)
        {
            JournalRecords.Queued(buffer, mutation);
            if (buffer.Length >= ChunkBytes)
            {
                rewrite.Append(buffer.WrittenSpan);
                buffer.Clear();
            }
        }

        rewrite.Append(buffer.WrittenSpan);
        // The bulk of the tail copy and of the flush happens here, outside the lock every append takes.
        (rewrite as IPersistenceRewritePrepare)?.Prepare(checkpoint.Position);
        lock (_gate)
        {
            var length = rewrite.Commit(checkpoint.Position);
            _position = length;
            _nextCompaction = Math.Max(_options.CompactionThresholdBytes, 2 * length);
            // The commit flushed the whole new log.
            MarkDurable(_written);
            Compactions++;
        }
    }
}
