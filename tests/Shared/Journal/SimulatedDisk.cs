using ViewSync.Persistence;

namespace ViewSync.Tests.Journal;

/// <summary>
/// A disk for crash tests: it counts every write and flush boundary and crashes at the one chosen. Bytes
/// that were written but not flushed survive a process crash (the operating system has them) and may be
/// torn or lost on a power loss; a committed rewrite was flushed whole, so it survives both.
/// </summary>
internal sealed class SimulatedDisk : IPersistence
{
    private readonly Lock _gate = new();
    private readonly int _crashAt;
    private List<byte> _log = [];
    private int _durable;
    private int _boundaries;

    /// <param name="crashAt">The boundary (1-based) at which to crash; 0 never crashes.</param>
    /// <param name="image">What the disk holds at the start.</param>
    public SimulatedDisk(int crashAt = 0, byte[]? image = null)
    {
        _crashAt = crashAt;
        _log = [.. image ?? []];
        _durable = _log.Count;
    }

    /// <summary>While true, appends fail with an <see cref="IOException"/> as on a full disk (the process lives on).</summary>
    public bool Full { get; set; }

    /// <summary>Where the crash happened, once it did.</summary>
    public string? CrashedAt { get; private set; }

    public int Boundaries
    {
        get
        {
            lock (_gate)
            {
                return _boundaries;
            }
        }
    }

    public string Location => "simulated disk";

    /// <summary>What survives the crash: everything written (process crash), or the flushed part plus a random prefix of the rest (power loss).</summary>
    public byte[] AfterCrash(bool powerLoss, Random random)
    {
        lock (_gate)
        {
            var kept = powerLoss ? _durable + random.Next(_log.Count - _durable + 1) : _log.Count;
            return [.. _log.Take(kept)];
        }
    }

    public ValueTask<PersistenceImage> OpenAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(new PersistenceImage(_log.ToArray(), UsedBefore: _log.Count > 0));
        }
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            Boundary("append");
            if (Full)
            {
                throw new IOException("No space left on device (simulated).");
            }

            _log.AddRange(bytes);
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Boundary("flush");
            _durable = _log.Count;
        }

        return ValueTask.CompletedTask;
    }

    public IPersistenceRewrite BeginRewrite()
    {
        lock (_gate)
        {
            Boundary("begin rewrite");
        }

        return new Rewrite(this);
    }

    public string? Preserve() => null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Boundary(string what)
    {
        if (CrashedAt is not null)
        {
            throw new SimulatedCrashException(CrashedAt);
        }

        if (++_boundaries == _crashAt)
        {
            CrashedAt = $"{what} (boundary {_boundaries})";
            throw new SimulatedCrashException(CrashedAt);
        }
    }

    private sealed class Rewrite(SimulatedDisk disk) : IPersistenceRewrite
    {
        private readonly List<byte> _bytes = [];

        public void Append(ReadOnlySpan<byte> bytes)
        {
            lock (disk._gate)
            {
                disk.Boundary("rewrite append");
                _bytes.AddRange(bytes);
            }
        }

        public long Commit(long tailFrom)
        {
            lock (disk._gate)
            {
                disk.Boundary("commit");
                _bytes.AddRange(disk._log.Skip((int)tailFrom));
                disk._log = [.. _bytes];
                disk._durable = disk._log.Count;
                return disk._log.Count;
            }
        }

        public void Dispose()
        {
        }
    }
}
