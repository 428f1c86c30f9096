namespace ViewSync.Persistence;

/// <summary>
/// An <see cref="IPersistence"/> that keeps the journal in memory: for tests, and for apps that need no
/// durability. Disposing keeps the bytes, so opening the same instance again simulates a restart.
/// </summary>
public sealed class MemoryPersistence : IPersistence
{
    private readonly Lock _gate = new();
    private byte[] _log = [];
    private int _length;
    private bool _open;
    private bool _usedBefore;

    /// <inheritdoc/>
    public string Location => "memory";

    /// <summary>The journal's current length in bytes.</summary>
    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _length;
            }
        }
    }

    /// <summary>Copies of the logs kept by <see cref="Preserve"/>, oldest first.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> PreservedCopies => _preserved;

    private readonly List<ReadOnlyMemory<byte>> _preserved = [];

    /// <inheritdoc/>
    /// <exception cref="PersistenceLockedException">The instance is open already.</exception>
    public ValueTask<PersistenceImage> OpenAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_open)
            {
                throw new PersistenceLockedException("This MemoryPersistence is open already; dispose the client that uses it before opening it again.");
            }

            _open = true;
            var image = new PersistenceImage(_log.AsSpan(0, _length).ToArray(), _usedBefore);
            _usedBefore = true;
            return ValueTask.FromResult(image);
        }
    }

    /// <inheritdoc/>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            if (_length + bytes.Length > _log.Length)
            {
                Array.Resize(ref _log, Math.Max(_length + bytes.Length, Math.Max(256, _log.Length * 2)));
            }

            bytes.CopyTo(_log.AsSpan(_length));
            _length += bytes.Length;
        }
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public IPersistenceRewrite BeginRewrite() => new Rewrite(this);

    /// <inheritdoc/>
    public string? Preserve()
    {
        lock (_gate)
        {
            _preserved.Add(_log.AsSpan(0, _length).ToArray());
            return $"memory (copy {_preserved.Count})";
        }
    }

    /// <summary>Closes the instance; the bytes stay, so it can be opened again.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _open = false;
        }

        return ValueTask.CompletedTask;
    }

    private void ThrowIfClosed()
    {
        if (!_open)
        {
            throw new InvalidOperationException("Open the MemoryPersistence (OpenAsync) before writing to it.");
        }
    }

    private sealed class Rewrite(MemoryPersistence owner) : IPersistenceRewrite
    {
        private readonly MemoryStream _bytes = new();

        public void Append(ReadOnlySpan<byte> bytes) => _bytes.Write(bytes);

        public long Commit(long tailFrom)
        {
            lock (owner._gate)
            {
                owner.ThrowIfClosed();
                _bytes.Write(owner._log.AsSpan((int)tailFrom, owner._length - (int)tailFrom));
                owner._log = _bytes.ToArray();
                owner._length = owner._log.Length;
                return owner._length;
            }
        }

        public void Dispose() => _bytes.Dispose();
    }
}
