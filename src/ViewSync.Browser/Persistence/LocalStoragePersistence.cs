using System.Globalization;
using System.Runtime.Versioning;
using ViewSync.Persistence;

namespace ViewSync.Browser;

/// <summary>
/// An <see cref="IPersistence"/> for WebAssembly apps: the client's journal lives in the browser's
/// <c>localStorage</c>, one value per record, so a reload (or a browser restart) loses nothing that was accepted.
/// </summary>
/// <remarks>
/// <para>
/// Layout, under keys that start with <c>{name}/</c>: <c>head</c> names the current generation <c>g</c>, and
/// <c>{g}/{n}</c> holds the journal's n-th append (base64). Every <c>localStorage</c> write is atomic and each
/// state change is one record, so a full quota refuses one whole change: the cursor can never get ahead of
/// the state it belongs to. Compaction writes generation <c>g+1</c>, switches <c>head</c> in one write, then
/// removes the old generation.
/// </para>
/// <para>
/// One page at a time owns a name: opening takes a Web Lock and throws <see cref="PersistenceLockedException"/>
/// when another tab of the same site holds it.
/// </para>
/// </remarks>
public sealed class LocalStoragePersistence : IPersistence
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(3);
    private readonly IKeyValueStorage _storage;
    private readonly string _name;
    private readonly List<int> _lengths = [];
    private long _generation;
    private bool _locked;
    private bool _keepGeneration;

    /// <summary>Keeps the journal in this site's <c>localStorage</c>.</summary>
    /// <param name="name">The key prefix; give each client of the same site its own.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains <c>/</c>.</exception>
    [SupportedOSPlatform("browser")]
    public LocalStoragePersistence(string name = "viewsync")
        : this(new BrowserLocalStorage(), name)
    {
    }

    /// <summary>Keeps the journal in <paramref name="storage"/>.</summary>
    /// <param name="storage">Where to keep it.</param>
    /// <param name="name">The key prefix; give each client sharing the storage its own.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains <c>/</c>.</exception>
    public LocalStoragePersistence(IKeyValueStorage storage, string name = "viewsync")
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The persistence name '{name}' may not contain '/': it separates the parts of the keys.", nameof(name));
        }

        _storage = storage;
        _name = name;
    }

    /// <inheritdoc/>
    public string Location => $"localStorage '{_name}/'";

    private string HeadKey => _name + "/head";

    /// <inheritdoc/>
    /// <exception cref="PersistenceLockedException">Another page of this site holds the name.</exception>
    public async ValueTask<PersistenceImage> OpenAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_locked)
        {
            throw new InvalidOperationException($"This LocalStoragePersistence '{_name}' is open already.");
        }

        if (!await _storage.TryLockAsync("viewsync:" + _name, LockTimeout).ConfigureAwait(false))
        {
            throw new PersistenceLockedException(
                $"The browser storage '{_name}' is in use by another tab or window of this site. " +
                "Close it, or give this page's LocalStoragePersistence a different name.");
        }

        _locked = true;
        var head = _storage.GetItem(HeadKey);
        if (head is null || !long.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out _generation))
        {
            _generation = 0;
            return new PersistenceImage(ReadOnlyMemory<byte>.Empty, UsedBefore: _storage.KeysWithPrefix(_name + "/").Count > 0);
        }

        var log = new MemoryStream();
        for (var n = 0; _storage.GetItem(RecordKey(_generation, n)) is { } value; n++)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                // A value that is not base64 (edited by hand): one stray byte makes the journal report the damage here.
                bytes = [0];
            }

            log.Write(bytes);
            _lengths.Add(bytes.Length);
        }

        return new PersistenceImage(log.ToArray(), UsedBefore: true);
    }

    /// <inheritdoc/>
    /// <exception cref="IOException">The storage is full; nothing was written.</exception>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (!_locked)
        {
            throw new InvalidOperationException("Open the LocalStoragePersistence before writing to it.");
        }

        _storage.SetItem(RecordKey(_generation, _lengths.Count), Convert.ToBase64String(bytes));
        _lengths.Add(bytes.Length);
    }

    /// <summary>Does nothing: each <c>localStorage</c> write is as durable as the browser makes it.</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>A completed task.</returns>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public IPersistenceRewrite BeginRewrite()
    {
        // A rewrite that a closed page left half done must not lend its values to this one.
        var generation = _generation + 1;
        foreach (var key in _storage.KeysWithPrefix($"{_name}/{generation.ToString(CultureInfo.InvariantCulture)}/"))
        {
            _storage.RemoveItem(key);
        }

        return new Rewrite(this, generation);
    }

    /// <summary>Keeps the current generation's values when it is next replaced, instead of removing them.</summary>
    /// <returns>The key prefix of the kept copy.</returns>
    public string? Preserve()
    {
        _keepGeneration = true;
        return $"{_name}/{_generation}/";
    }

    /// <summary>Releases the name's lock; the data stays.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        if (_locked)
        {
            _locked = false;
            _storage.Unlock("viewsync:" + _name);
        }

        return ValueTask.CompletedTask;
    }

    private string RecordKey(long generation, int n) =>
        string.Create(CultureInfo.InvariantCulture, $"{_name}/{generation}/{n}");

    private void RemoveGeneration(long generation, int count)
    {
        for (var n = 0; n < count; n++)
        {
            _storage.RemoveItem(RecordKey(generation, n));
        }
    }

    /// <summary>A new generation, made current by one write of <c>head</c>.</summary>
    private sealed class Rewrite(LocalStoragePersistence owner, long generation) : IPersistenceRewrite
    {
        private readonly List<int> _lengths = [];
        private bool _committed;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            owner._storage.SetItem(owner.RecordKey(generation, _lengths.Count), Convert.ToBase64String(bytes));
            _lengths.Add(bytes.Length);
        }

        public long Commit(long tailFrom)
        {
            // The old journal's appends after tailFrom are whole values: copy them as they are.
            var offset = 0L;
            var first = 0;
            while (first < owner._lengths.Count && offset < tailFrom)
            {
                offset += owner._lengths[first++];
            }

            if (offset != tailFrom)
            {
                throw new InvalidOperationException($"Compaction's tail offset {tailFrom} does not fall between two appends.");
            }

            for (var n = first; n < owner._lengths.Count; n++)
            {
                var value = owner._storage.GetItem(owner.RecordKey(owner._generation, n))
                    ?? throw new IOException($"The journal value {owner.RecordKey(owner._generation, n)} disappeared while compacting.");
                owner._storage.SetItem(owner.RecordKey(generation, _lengths.Count), value);
                _lengths.Add(owner._lengths[n]);
            }

            owner._storage.SetItem(owner.HeadKey, generation.ToString(CultureInfo.InvariantCulture));
            _committed = true;
            if (!owner._keepGeneration)
            {
                owner.RemoveGeneration(owner._generation, owner._lengths.Count);
            }

            owner._keepGeneration = false;
            owner._generation = generation;
            owner._lengths.Clear();
            owner._lengths.AddRange(_lengths);
            return _lengths.Sum(l => (long)l);
        }

        public void Dispose()
        {
            if (!_committed)
            {
                owner.RemoveGeneration(generation, _lengths.Count);
            }
        }
    }
}
