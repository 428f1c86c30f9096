using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Persistence;
using ViewSync.Store;

namespace ViewSync.Browser;

/// <summary>
/// An <see cref="IPersistence"/> for WebAssembly apps: the client id, pending mutations, cursor and
/// confirmed state live in the browser's <c>localStorage</c>, so a reload (or a browser restart) loses
/// nothing that was accepted.
/// </summary>
/// <remarks>
/// <para>
/// Layout, under keys that start with <c>{name}/</c>: <c>client</c> (client id, last sequence number),
/// one <c>m/{n}</c> per pending mutation (so an append writes one small value, not the whole queue),
/// <c>store</c> (the confirmed state with its cursor and a version) and <c>cursor</c> (a later cursor for
/// that store version). Each value is JSON: readable in the browser's developer tools.
/// </para>
/// <para>
/// Every <c>localStorage</c> write is atomic, and the records are written in an order that a page closed
/// between two writes cannot break: a mutation is on storage before <see cref="AppendAsync"/> returns; a
/// <c>cursor</c> record counts only for the store version it names. A record that does not parse (edited
/// by hand, written by an incompatible version) is dropped, removed and reported in
/// <see cref="PersistedState.Problems"/>; the rest loads.
/// </para>
/// <para>
/// One page at a time owns a name: <see cref="LoadAsync"/> takes a Web Lock and throws
/// <see cref="PersistenceLockedException"/> when another tab of the same site holds it. Use a different
/// name per tab, or let the second tab work read-only, if your app needs more.
/// </para>
/// <para>
/// <c>localStorage</c> holds a few megabytes per site. When a write does not fit, the call throws
/// <see cref="IOException"/> and nothing of it was written.
/// </para>
/// </remarks>
public sealed class LocalStoragePersistence : IPersistence
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(3);
    private readonly IKeyValueStorage _storage;
    private readonly string _name;
    private readonly Lock _gate = new();
    private readonly MutationQueue _pending = new();
    private readonly Dictionary<string, string> _keyOf = new(StringComparer.Ordinal);
    private string? _clientId;
    private ulong _lastSeq;
    private ulong _nextRecord;
    private ulong _storeVersion;
    private ulong _cursor;
    private StoreSnapshot _store = StoreSnapshot.Empty;
    private bool _locked;

    /// <summary>Keeps the state in this site's <c>localStorage</c>.</summary>
    /// <param name="name">The key prefix; give each client of the same site its own.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains <c>/</c>.</exception>
    [SupportedOSPlatform("browser")]
    public LocalStoragePersistence(string name = "viewsync")
        : this(new BrowserLocalStorage(), name)
    {
    }

    /// <summary>Keeps the state in <paramref name="storage"/>.</summary>
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

    private string ClientKey => _name + "/client";

    private string StoreKey => _name + "/store";

    private string CursorKey => _name + "/cursor";

    private string MutationPrefix => _name + "/m/";

    /// <inheritdoc/>
    /// <exception cref="PersistenceLockedException">Another page of this site holds the name.</exception>
    public async ValueTask<PersistedState> LoadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_locked)
        {
            if (!await _storage.TryLockAsync("viewsync:" + _name, LockTimeout).ConfigureAwait(false))
            {
                throw new PersistenceLockedException(
                    $"The browser storage '{_name}' is in use by another tab or window of this site. " +
                    "Close it, or give this page's LocalStoragePersistence a different name.");
            }

            _locked = true;
        }

        lock (_gate)
        {
            if (_clientId is null)
            {
                var problems = new List<PersistenceProblem>();
                ReadAll(problems);
                return State(problems);
            }

            return State([]);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="IOException">The storage is full; the mutation was not saved.</exception>
    public ValueTask AppendAsync(Mutation mutation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        return Write(nameof(AppendAsync), () =>
        {
            if (_pending.Contains(mutation.Id))
            {
                return;
            }

            var key = MutationPrefix + _nextRecord.ToString("D20", CultureInfo.InvariantCulture);
            _storage.SetItem(key, LocalStorageRecords.Mutation(mutation));
            _nextRecord++;
            _pending.Push(mutation);
            _keyOf[mutation.Id] = key;
            if (mutation.Seq > _lastSeq)
            {
                _lastSeq = mutation.Seq;
                try
                {
                    _storage.SetItem(ClientKey, LocalStorageRecords.Client(_clientId!, _lastSeq));
                }
                catch (IOException)
                {
                    // Best effort: the load also takes the highest pending seq, so losing this write loses nothing.
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var copy = ids.ToArray();
        foreach (var id in copy)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(ids));
        }

        return Write(nameof(RemoveAsync), () =>
        {
            foreach (var id in copy)
            {
                if (_keyOf.Remove(id, out var key))
                {
                    _storage.RemoveItem(key);
                    _pending.Remove(id);
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask SaveCursorAsync(ulong cursor, CancellationToken cancellationToken = default) =>
        Write(nameof(SaveCursorAsync), () =>
        {
            _storage.SetItem(CursorKey, LocalStorageRecords.Cursor(_storeVersion, cursor));
            _cursor = cursor;
        }, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="IOException">The storage is full; the previous store and cursor are kept.</exception>
    public ValueTask SaveStoreAsync(StoreSnapshot confirmedState, ulong cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confirmedState);
        return Write(nameof(SaveStoreAsync), () =>
        {
            // One write: the store carries its cursor, and its new version makes any older cursor record stale.
            var version = _storeVersion + 1;
            _storage.SetItem(StoreKey, LocalStorageRecords.Store(confirmedState, version, cursor));
            _storeVersion = version;
            _store = confirmedState;
            _cursor = cursor;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask ClearAsync(CancellationToken cancellationToken = default) =>
        Write(nameof(ClearAsync), () =>
        {
            _storage.RemoveItem(CursorKey);
            _storage.RemoveItem(StoreKey);
            foreach (var key in _keyOf.Values)
            {
                _storage.RemoveItem(key);
            }

            _keyOf.Clear();
            _pending.Clear();
            _store = StoreSnapshot.Empty;
            _storeVersion = 0;
            _cursor = 0;
        }, cancellationToken);

    /// <summary>Releases the name for other pages. The data stays in storage.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        if (_locked)
        {
            _storage.Unlock("viewsync:" + _name);
            _locked = false;
        }

        return ValueTask.CompletedTask;
    }

    private void ReadAll(List<PersistenceProblem> problems)
    {
        // Client id and last sequence number.
        if (TryRead(ClientKey, LocalStorageRecords.ReadClient, PersistenceProblemKind.JournalCorrupt, problems, "a new client id was created", out var client))
        {
            (_clientId, _lastSeq) = client;
        }
        else
        {
            _clientId = MutationIds.NewClientId();
            _lastSeq = 0;
            _storage.SetItem(ClientKey, LocalStorageRecords.Client(_clientId, 0));
        }

        // Pending mutations, in the order they were appended.
        var records = new List<(ulong Number, string Key)>();
        foreach (var key in _storage.KeysWithPrefix(MutationPrefix))
        {
            if (ulong.TryParse(key.AsSpan(MutationPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                records.Add((number, key));
            }
        }

        records.Sort((a, b) => a.Number.CompareTo(b.Number));
        foreach (var (number, key) in records)
        {
            _nextRecord = Math.Max(_nextRecord, number + 1);
            if (!TryRead(key, LocalStorageRecords.ReadMutation, PersistenceProblemKind.JournalCorrupt, problems, "that pending mutation was dropped", out var mutation))
            {
                continue;
            }

            if (_pending.Contains(mutation.Id))
            {
                _storage.RemoveItem(key);
                continue;
            }

            _pending.Push(mutation);
            _keyOf[mutation.Id] = key;
            _lastSeq = Math.Max(_lastSeq, mutation.Seq);
        }

        // Confirmed state and cursor.
        if (TryRead(StoreKey, LocalStorageRecords.ReadStore, PersistenceProblemKind.StoreCorrupt, problems, "the store was dropped and the cursor reset to 0", out var saved))
        {
            (_store, _storeVersion, _cursor) = saved;
        }
        else if (problems.Any(p => p.Kind == PersistenceProblemKind.StoreCorrupt))
        {
            // Without its store a cursor means nothing: start again from a snapshot.
            _storage.RemoveItem(CursorKey);
            return;
        }

        if (TryRead(CursorKey, LocalStorageRecords.ReadCursor, PersistenceProblemKind.JournalCorrupt, problems, "the store's own cursor is used", out var moved)
            && moved.Version == _storeVersion)
        {
            _cursor = moved.Cursor;
        }
    }

    /// <summary>Reads and decodes one record. A damaged one is removed and reported; a missing one reads as false.</summary>
    private bool TryRead<T>(string key, Func<string, T> decode, PersistenceProblemKind kind, List<PersistenceProblem> problems, string consequence, [MaybeNullWhen(false)] out T value)
    {
        value = default;
        if (_storage.GetItem(key) is not { } json)
        {
            return false;
        }

        try
        {
            value = decode(json);
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            _storage.RemoveItem(key);
            problems.Add(new PersistenceProblem(kind, $"localStorage:{key}", 0, json.Length, $"'{key}' could not be read ({e.Message}); {consequence}."));
            return false;
        }
    }

    private PersistedState State(IReadOnlyList<PersistenceProblem> problems) =>
        new(_clientId!, _cursor, _lastSeq, _pending.Pending(), _store, problems);

    private ValueTask Write(string operation, Action write, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        lock (_gate)
        {
            if (_clientId is null)
            {
                throw new InvalidOperationException($"Call LoadAsync before {operation}: it creates the client id and returns the saved state.");
            }

            write();
        }

        return ValueTask.CompletedTask;
    }
}
