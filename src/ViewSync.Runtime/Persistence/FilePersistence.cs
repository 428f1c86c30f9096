using Microsoft.Win32.SafeHandles;

namespace ViewSync.Persistence;

/// <summary>
/// Keeps a client's journal in a directory: one append-only file of checksummed records, written by the
/// client's <see cref="Replica"/> alone.
/// </summary>
/// <remarks>
/// <para>Files in the directory:</para>
/// <list type="bullet">
/// <item><description><c>journal.vsj</c>: the journal. Each record is written to the operating system
/// before the call that made it returns (so killing the process loses nothing) and flushed to disk
/// (<c>fsync</c>) within a short window, several records at once. Compaction writes
/// <c>journal.vsj.tmp</c>, flushes it and renames it over the journal, so a crash leaves the old file or the
/// new one, never a mix.</description></item>
/// <item><description><c>viewsync.lock</c>: held open exclusively while a client uses the directory, so a
/// second one (in this process or another) gets a <see cref="PersistenceLockedException"/>.</description></item>
/// <item><description><c>journal.vsj.damaged-*</c>: copies of a damaged journal, kept before it was repaired.</description></item>
/// </list>
/// </remarks>
public sealed class FilePersistence : IPersistence
{
    /// <summary>The journal's file name inside the directory.</summary>
    public const string JournalFileName = "journal.vsj";

    /// <summary>The lock file's name inside the directory.</summary>
    public const string LockFileName = "viewsync.lock";

    private const string TempSuffix = ".tmp";
    private const string DamagedSuffix = ".damaged-";
    private const string LegacyStoreFileName = "store.vss";

    private readonly string _journalPath;
    private readonly string _lockPath;
    private readonly Lock _handleGate = new();
    private FileStream? _lock;
    private SafeFileHandle? _journal;
    private long _length;
    private IOException? _fault;

    /// <summary>Creates a persistence over a directory. Nothing is touched until the client opens it.</summary>
    /// <param name="directory">The directory to keep the files in; created when missing.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    public FilePersistence(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        DirectoryPath = Path.GetFullPath(directory);
        _journalPath = Path.Combine(DirectoryPath, JournalFileName);
        _lockPath = Path.Combine(DirectoryPath, LockFileName);
    }

    /// <summary>The full path of the directory holding the files.</summary>
    public string DirectoryPath { get; }

    /// <inheritdoc/>
    public string Location => _journalPath;

    /// <summary>The journal's current length in bytes (for diagnostics and tests); 0 before opening.</summary>
    public long JournalLength => Interlocked.Read(ref _length);

    /// <inheritdoc/>
    /// <exception cref="PersistenceLockedException">Another instance, in this or another process, uses the directory.</exception>
    /// <exception cref="IOException">The directory or the journal cannot be used; the message names the path and the cause.</exception>
    /// <exception cref="UnauthorizedAccessException">The process may not use the directory.</exception>
    public async ValueTask<PersistenceImage> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_lock is not null)
        {
            throw new InvalidOperationException($"This FilePersistence for '{DirectoryPath}' is open already.");
        }

        if (File.Exists(DirectoryPath))
        {
            throw new IOException($"FilePersistence needs a directory at '{DirectoryPath}', but a file is there; pass another path or move the file away.");
        }

        if (Directory.Exists(_journalPath))
        {
            throw new IOException($"The journal path '{_journalPath}' is a directory, not a file; move it away (ViewSync keeps its journal file there).");
        }

        Directory.CreateDirectory(DirectoryPath);
        var usedBefore = File.Exists(Path.Combine(DirectoryPath, LegacyStoreFileName))
            || Directory.EnumerateFiles(DirectoryPath, JournalFileName + DamagedSuffix + "*").Any();
        _lock = AcquireLock();
        try
        {
            usedBefore |= _lock.Length > 0;
            DeleteIfExists(_journalPath + TempSuffix);
            if (!File.Exists(_journalPath))
            {
                return new PersistenceImage(ReadOnlyMemory<byte>.Empty, usedBefore);
            }

            var log = await File.ReadAllBytesAsync(_journalPath, cancellationToken).ConfigureAwait(false);
            _journal = File.OpenHandle(_journalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            _length = RandomAccess.GetLength(_journal);
            return new PersistenceImage(log, UsedBefore: true);
        }
        catch
        {
            CloseFiles();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        var journal = _journal ?? throw new InvalidOperationException("The journal is not created yet: the replica commits a first rewrite before appending.");
        if (_fault is not null)
        {
            throw new IOException(_fault.Message, _fault);
        }

        var start = _length;
        try
        {
            RandomAccess.Write(journal, bytes, start);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cut off whatever part reached the file, or later records would sit behind a torn one.
            try
            {
                RandomAccess.SetLength(journal, start);
            }
            catch (Exception inner) when (inner is IOException or UnauthorizedAccessException)
            {
                _fault = new IOException($"A failed write could not be undone in '{_journalPath}'; restart the client to recover the journal.", inner);
            }

            throw new IOException($"Writing to the journal '{_journalPath}' failed: {e.Message}", e);
        }

        Interlocked.Exchange(ref _length, start + bytes.Length);
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) =>
        new(Task.Run(
            () =>
            {
                lock (_handleGate)
                {
                    if (_journal is { } journal)
                    {
                        RandomAccess.FlushToDisk(journal);
                    }
                }
            },
            cancellationToken));

    /// <inheritdoc/>
    public IPersistenceRewrite BeginRewrite() => new Rewrite(this);

    /// <inheritdoc/>
    public string? Preserve()
    {
        if (!File.Exists(_journalPath))
        {
            return null;
        }

        var copy = _journalPath + DamagedSuffix + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            File.Copy(_journalPath, copy, overwrite: false);
            return copy;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Closes the files and releases the directory's lock. Safe to call more than once.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        lock (_handleGate)
        {
            CloseFiles();
        }

        return ValueTask.CompletedTask;
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

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private void CloseFiles()
    {
        _journal?.Dispose();
        _journal = null;
        _lock?.Dispose();
        _lock = null;
    }

    /// <summary>
    /// A replacement journal in <c>journal.vsj.tmp</c>, renamed over the journal on commit. <see cref="Prepare"/>
    /// copies the tail written so far and flushes outside the journal's lock, so <see cref="Commit"/> (under
    /// it) copies and flushes only the records appended since: appends wait about one small flush, not the
    /// flush of the whole new file.
    /// </summary>
    private sealed class Rewrite : IPersistenceRewrite, IPersistenceRewritePrepare
    {
        private const int TailPieceBytes = 1 << 20;

        private readonly FilePersistence _owner;
        private readonly string _path;
        private SafeFileHandle? _file;
        private long _length;
        private long _copiedUpTo = -1; // old journal offset up to which the tail is copied already; -1: none

        public Rewrite(FilePersistence owner)
        {
            _owner = owner;
            _path = owner._journalPath + TempSuffix;
            _file = File.OpenHandle(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            RandomAccess.Write(_file!, bytes, _length);
            _length += bytes.Length;
        }

        public void Prepare(long tailFrom)
        {
            var file = _file ?? throw new ObjectDisposedException(nameof(Rewrite));
            if (_owner._journal is { } old)
            {
                _copiedUpTo = tailFrom;
                CopyTailSoFar(old);
                RandomAccess.FlushToDisk(file);
                // Again: what arrived during that flush, so Commit finds little to copy and little to flush.
                CopyTailSoFar(old);
            }
            else
            {
                RandomAccess.FlushToDisk(file);
            }
        }

        public long Commit(long tailFrom)
        {
            var file = _file ?? throw new ObjectDisposedException(nameof(Rewrite));
            if (_owner._journal is { } old)
            {
                CopyTail(old, _copiedUpTo >= tailFrom ? _copiedUpTo : tailFrom, _owner._length);
            }

            RandomAccess.FlushToDisk(file);
            SafeFileHandle? replaced;
            lock (_owner._handleGate)
            {
                File.Move(_path, _owner._journalPath, overwrite: true);
                _ = DirectoryFlush.Flush(_owner.DirectoryPath);
                replaced = _owner._journal;
                // The handle now names the journal: keep writing through it, no reopen that could fail.
                _owner._journal = file;
                _file = null;
                Interlocked.Exchange(ref _owner._length, _length);
            }

            // Closing the last handle of the replaced (now unlinked) file frees its blocks, milliseconds for a
            // large journal: done on the thread pool, not under the journal's lock that appends wait for.
            if (replaced is not null)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static handle => handle.Dispose(), replaced, preferLocal: false);
            }

            MarkUsed();
            return _length;
        }

        /// <summary>Copies the old journal from <see cref="_copiedUpTo"/> to its published length (bytes below it never change: it only grows, or is cut back to it).</summary>
        private void CopyTailSoFar(SafeFileHandle old)
        {
            var upTo = Interlocked.Read(ref _owner._length);
            CopyTail(old, _copiedUpTo, upTo);
            _copiedUpTo = upTo;
        }

        /// <summary>Copies bytes <paramref name="from"/> to <paramref name="to"/> of the old journal, in pieces: pages that arrived during a long rewrite can add up to a lot.</summary>
        private void CopyTail(SafeFileHandle old, long from, long to)
        {
            if (from >= to)
            {
                return;
            }

            var piece = new byte[(int)Math.Min(to - from, TailPieceBytes)];
            for (var position = from; position < to;)
            {
                var n = RandomAccess.Read(old, piece.AsSpan(0, (int)Math.Min(piece.Length, to - position)), position);
                if (n == 0)
                {
                    throw new IOException($"The journal '{_owner._journalPath}' ended early while compacting.");
                }

                Append(piece.AsSpan(0, n));
                position += n;
            }
        }

        public void Dispose()
        {
            if (_file is { } file)
            {
                file.Dispose();
                _file = null;
                DeleteIfExists(_path);
            }
        }

        /// <summary>A lock file with content says "a journal was here", so a missing one is reported as lost, not new.</summary>
        private void MarkUsed()
        {
            if (_owner._lock is { Length: 0 } lockFile)
            {
                lockFile.WriteByte(1);
                lockFile.Flush();
            }
        }
    }
}
