using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using ViewSync.Mutations;
using ViewSync.Store;

namespace ViewSync.Persistence;

/// <summary>
/// Durable <see cref="IPersistence"/> in a directory: an append-only, checksummed journal for the
/// client id, queue and cursor, and a separate file for the store.
/// </summary>
/// <remarks>
/// <para>Files in the directory:</para>
/// <list type="bullet">
/// <item><description><c>journal.vsj</c>: length-prefixed, CRC-32C-checked records (client id and last sequence
/// number, appended mutation, removed ids, cursor, clear). Each write is flushed to disk (<c>fsync</c>) before its
/// task completes. Once the journal passes <see cref="FilePersistenceOptions.CompactionThresholdBytes"/> and is
/// mostly dead records it is rewritten with only the live ones, through a temporary file, a flush and an atomic
/// rename.</description></item>
/// <item><description><c>store.vss</c>: the confirmed store and its cursor, with a checksum, replaced whole by
/// the same temporary-file-and-rename steps.</description></item>
/// <item><description><c>viewsync.lock</c>: held open exclusively while the instance is loaded, so only one
/// instance in one process uses the directory; a second one gets a <see cref="PersistenceLockedException"/>.</description></item>
/// </list>
/// <para>
/// Damaged files never make <see cref="LoadAsync"/> fail: it keeps every record up to the damage, reports the
/// rest in <see cref="PersistedState.Problems"/> and repairs the files, so later writes are not lost behind
/// garbage. A crash can only tear a write whose task had not completed yet.
/// </para>
/// <para>
/// Writes run on the calling thread and hold the instance while they flush (a few milliseconds each);
/// <see cref="SaveStoreAsync"/> encodes the snapshot before it takes the instance.
/// </para>
/// </remarks>
public sealed class FilePersistence : IPersistence
{
    /// <summary>The journal's file name inside the directory.</summary>
    public const string JournalFileName = "journal.vsj";

    /// <summary>The store file's name inside the directory.</summary>
    public const string StoreFileName = "store.vss";

    /// <summary>The lock file's name inside the directory.</summary>
    public const string LockFileName = "viewsync.lock";

    private const string TempSuffix = ".tmp";

    private readonly FilePersistenceOptions _options;
    private readonly string _journalPath;
    private readonly string _storePath;
    private readonly string _lockPath;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private const int BufferSize = 4096;
    private const int MaxRetainedBufferSize = 1024 * 1024;

    private ByteBuffer _buffer = new(BufferSize);
    private FileStream? _lock;
    private SafeFileHandle? _journal;
    private long _journalLength;
    private long _compactionRetryLength;
    private JournalState? _state;
    private StoreSnapshot _store = StoreSnapshot.Empty;
    private IReadOnlyList<PersistenceProblem> _problems = [];
    private Exception? _fault;
    private bool _disposed;

    /// <summary>Creates a persistence over a directory. Nothing is touched until <see cref="LoadAsync"/>.</summary>
    /// <param name="directory">The directory to keep the files in; created when missing.</param>
    /// <param name="options">Tuning; defaults when null.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public FilePersistence(string directory, FilePersistenceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _options = options ?? new FilePersistenceOptions();
        if (_options.CompactionThresholdBytes < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), _options.CompactionThresholdBytes, "FilePersistenceOptions.CompactionThresholdBytes must be 0 or more.");
        }

        DirectoryPath = Path.GetFullPath(directory);
        _journalPath = Path.Combine(DirectoryPath, JournalFileName);
        _storePath = Path.Combine(DirectoryPath, StoreFileName);
        _lockPath = Path.Combine(DirectoryPath, LockFileName);
    }

    /// <summary>The full path of the directory holding the files.</summary>
    public string DirectoryPath { get; }

    /// <summary>The journal's current length in bytes (for diagnostics and tests); 0 before loading.</summary>
    public long JournalLength => Volatile.Read(ref _journalLength);

    /// <inheritdoc/>
    /// <exception cref="PersistenceLockedException">Another instance, in this or another process, uses the directory.</exception>
    /// <exception cref="IOException">The directory or its files cannot be read or written (not for damaged contents, which are reported).</exception>
    /// <exception cref="UnauthorizedAccessException">The process may not use the directory.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public async ValueTask<PersistedState> LoadAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state is not null)
            {
                return Snapshot(ThrowIfFaulted(), []);
            }

            await OpenAsync(cancellationToken).ConfigureAwait(false);
            return Snapshot(_state!, _problems);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    /// <exception cref="IOException">The write failed; the mutation was not saved.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public async ValueTask AppendAsync(Mutation mutation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = Loaded(nameof(AppendAsync));
            if (state.Pending.Contains(mutation.Id))
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            _buffer.Clear();
            var size = JournalFormat.WriteAppend(_buffer, mutation);
            WriteToJournal(_buffer.WrittenSpan);
            state.ApplyAppend(mutation, size);
            CompactIfWorthIt(state);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    /// <exception cref="IOException">The write failed; nothing was removed.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public async ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = Loaded(nameof(RemoveAsync));
            var pending = new List<string>(ids.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                ArgumentNullException.ThrowIfNull(id, nameof(ids));
                if (state.Pending.Contains(id) && seen.Add(id))
                {
                    pending.Add(id);
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            _buffer.Clear();
            JournalFormat.WriteRemove(_buffer, pending);
            WriteToJournal(_buffer.WrittenSpan);
            state.ApplyRemove(pending);
            CompactIfWorthIt(state);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    /// <exception cref="IOException">The write failed; the cursor was not saved.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public async ValueTask SaveCursorAsync(ulong cursor, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = Loaded(nameof(SaveCursorAsync));
            if (state.Cursor == cursor)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            _buffer.Clear();
            var size = JournalFormat.WriteCursor(_buffer, state.StoreGeneration, cursor);
            WriteToJournal(_buffer.WrittenSpan);
            state.ApplyCursor(state.StoreGeneration, cursor, size);
            CompactIfWorthIt(state);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    /// <exception cref="IOException">The write failed; the previous store and cursor are kept.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public async ValueTask SaveStoreAsync(StoreSnapshot confirmedState, ulong cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confirmedState);
        cancellationToken.ThrowIfCancellationRequested();
        var generation = NewGeneration();
        var encoded = new ByteBuffer(BufferSize);
        StoreFile.Write(encoded, confirmedState, generation, cursor);

        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = Loaded(nameof(SaveStoreAsync));
            cancellationToken.ThrowIfCancellationRequested();
            var temp = _storePath + TempSuffix;
            WriteFileDurably(temp, encoded.WrittenSpan);
            File.Move(temp, _storePath, overwrite: true);
            _ = DirectoryFlush.Flush(DirectoryPath);
            state.SetStore(generation, cursor);
            // The file replaced whatever cleared generation was still on disk.
            state.ClearedGenerations.Clear();
            _store = confirmedState;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> was not called first.</exception>
    /// <exception cref="IOException">The write failed.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public async ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = Loaded(nameof(ClearAsync));
            cancellationToken.ThrowIfCancellationRequested();
            var generation = state.StoreGeneration;
            _buffer.Clear();
            JournalFormat.WriteClear(_buffer, generation);
            WriteToJournal(_buffer.WrittenSpan);
            state.ApplyClear(generation);
            _store = StoreSnapshot.Empty;

            // The clear record is durable first: if deleting fails or the process dies here, the next
            // load sees the generation was cleared and ignores the file.
            if (File.Exists(_storePath))
            {
                File.Delete(_storePath);
                _ = DirectoryFlush.Flush(DirectoryPath);
            }

            state.ClearedGenerations.Remove(generation);
            CompactIfWorthIt(state);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the files and releases the directory's lock. Safe to call more than once.</summary>
    /// <returns>A task that completes once the files are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseFiles();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DirectoryPath);
        _lock = AcquireLock();
        try
        {
            DeleteIfExists(_journalPath + TempSuffix);
            DeleteIfExists(_storePath + TempSuffix);

            var problems = new List<PersistenceProblem>();
            var state = new JournalState();
            var rewrite = true;
            if (File.Exists(_journalPath))
            {
                var journal = await File.ReadAllBytesAsync(_journalPath, cancellationToken).ConfigureAwait(false);
                JournalReader.Replay(journal, _journalPath, state, out var problem);
                if (problem is null)
                {
                    rewrite = false;
                }
                else
                {
                    problems.Add(problem);
                }
            }

            if (state.ClientId is null)
            {
                state.ApplyMeta(MutationIds.NewClientId(), state.LastSeq, 0);
                rewrite = true;
            }

            var store = StoreSnapshot.Empty;
            var storeGeneration = 0UL;
            if (File.Exists(_storePath))
            {
                var file = await File.ReadAllBytesAsync(_storePath, cancellationToken).ConfigureAwait(false);
                if (!StoreFile.TryRead(file, _storePath, out var generation, out var storeCursor, out var snapshot, out var problem))
                {
                    problems.Add(problem!);
                    File.Delete(_storePath);
                    state.SetStore(0, 0);
                    rewrite = true;
                }
                else if (state.ClearedGenerations.Contains(generation))
                {
                    // Cleared before a crash let ClearAsync delete it.
                    File.Delete(_storePath);
                }
                else
                {
                    store = snapshot;
                    storeGeneration = generation;
                    // A cursor record of the same generation was written after the file, so it is newer.
                    if (state.StoreGeneration != generation)
                    {
                        state.SetStore(generation, storeCursor);
                    }
                }
            }

            if (storeGeneration == 0 && state.StoreGeneration != 0)
            {
                problems.Add(new PersistenceProblem(
                    PersistenceProblemKind.StoreMissing, _storePath, 0, 0,
                    $"the journal's cursor {state.Cursor} belongs to a store file that is missing; the cursor was reset to 0 so the client takes a new snapshot"));
                state.SetStore(0, 0);
                rewrite = true;
            }

            state.ClearedGenerations.Clear();
            if (rewrite)
            {
                // Rewriting from the loaded state both creates a new journal and repairs a damaged one.
                state.WriteCompacted(_buffer);
                ReplaceJournal(_buffer.WrittenSpan);
                ReleaseLargeBuffer();
            }
            else
            {
                _journal = OpenJournal();
                _journalLength = RandomAccess.GetLength(_journal);
            }

            _state = state;
            _store = store;
            _problems = problems;
            CompactIfWorthIt(state);
        }
        catch
        {
            CloseFiles();
            throw;
        }
    }

    private FileStream AcquireLock()
    {
        try
        {
            return new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsLockConflict(e))
        {
            throw new PersistenceLockedException(DirectoryPath, _lockPath, e);
        }
    }

    // EWOULDBLOCK (Linux 11, macOS 35) from flock on Unix; sharing or lock violation on Windows.
    private static bool IsLockConflict(IOException e) =>
        e.GetType() == typeof(IOException) && e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    private SafeFileHandle OpenJournal() => File.OpenHandle(_journalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);

    private void WriteToJournal(ReadOnlySpan<byte> record)
    {
        var start = _journalLength;
        try
        {
            RandomAccess.Write(_journal!, record, start);
            RandomAccess.FlushToDisk(_journal!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cut off whatever part of the record reached the file, or later records would sit behind garbage.
            try
            {
                RandomAccess.SetLength(_journal!, start);
                RandomAccess.FlushToDisk(_journal!);
            }
            catch (Exception inner) when (inner is IOException or UnauthorizedAccessException)
            {
                _fault = new IOException($"A failed write could not be undone in '{_journalPath}'; dispose this instance and load the directory again.", inner);
            }

            throw;
        }

        Volatile.Write(ref _journalLength, start + record.Length);
    }

    private void CompactIfWorthIt(JournalState state)
    {
        var length = _journalLength;
        if (length < Math.Max(_options.CompactionThresholdBytes, _compactionRetryLength) || length - state.LiveBytes <= length / 2)
        {
            return;
        }

        try
        {
            state.WriteCompacted(_buffer);
            ReplaceJournal(_buffer.WrittenSpan);
            _compactionRetryLength = 0;
            ReleaseLargeBuffer();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write that triggered compaction is already durable and the old journal is intact, so
            // do not fail it; try again once the journal has doubled.
            _compactionRetryLength = length * 2;
            if (_fault is not null)
            {
                throw;
            }
        }
    }

    /// <summary>Atomically replaces the journal: temporary file, flush, rename, flush of the directory.</summary>
    private void ReplaceJournal(ReadOnlySpan<byte> contents)
    {
        var temp = _journalPath + TempSuffix;
        WriteFileDurably(temp, contents);
        _journal?.Dispose();
        _journal = null;
        Exception? moveError = null;
        try
        {
            File.Move(temp, _journalPath, overwrite: true);
            _ = DirectoryFlush.Flush(DirectoryPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            moveError = e;
        }

        try
        {
            // After a failed rename this reopens the old journal, which is still whole.
            _journal = OpenJournal();
            Volatile.Write(ref _journalLength, RandomAccess.GetLength(_journal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _fault = new IOException($"The journal '{_journalPath}' could not be reopened after it was rewritten; dispose this instance and load the directory again.", e);
            throw _fault;
        }

        if (moveError is not null)
        {
            ExceptionDispatchInfo.Throw(moveError);
        }
    }

    /// <summary>A rewrite of a long queue grows the buffer; do not keep that much memory for single records.</summary>
    private void ReleaseLargeBuffer()
    {
        if (_buffer.Capacity > MaxRetainedBufferSize)
        {
            _buffer = new ByteBuffer(BufferSize);
        }
    }

    private static void WriteFileDurably(string path, ReadOnlySpan<byte> contents)
    {
        using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.None);
        RandomAccess.Write(handle, contents, 0);
        RandomAccess.FlushToDisk(handle);
    }

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static ulong NewGeneration()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong generation;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            generation = BitConverter.ToUInt64(bytes);
        }
        while (generation == 0);
        return generation;
    }

    private PersistedState Snapshot(JournalState state, IReadOnlyList<PersistenceProblem> problems) =>
        new(state.ClientId!, state.Cursor, state.LastSeq, state.Pending.Pending(), _store, problems);

    private async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_disposed)
        {
            _gate.Release();
            throw new ObjectDisposedException(nameof(FilePersistence), $"This FilePersistence for '{DirectoryPath}' was disposed; create a new one to use the directory again.");
        }
    }

    private JournalState Loaded(string operation)
    {
        if (_state is null)
        {
            throw new InvalidOperationException($"Call LoadAsync before {operation}: it opens '{DirectoryPath}' and returns the saved state.");
        }

        return ThrowIfFaulted();
    }

    private JournalState ThrowIfFaulted() =>
        _fault is null ? _state! : throw new IOException(_fault.Message, _fault);

    private void CloseFiles()
    {
        _journal?.Dispose();
        _journal = null;
        _lock?.Dispose();
        _lock = null;
    }
}
