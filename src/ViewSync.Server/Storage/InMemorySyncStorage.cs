using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Store;

namespace ViewSync.Server.Storage;

/// <summary>Storage in process memory, for tests and demos: everything is lost when the process ends.</summary>
public sealed class InMemorySyncStorage : ISyncStorage
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, SortedDictionary<string, byte[]>>> _state = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LogEntry>> _log = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Scope, string Id), StoredResult> _results = [];
    private readonly Dictionary<string, ulong> _trimmed = new(StringComparer.Ordinal);
    private ulong _head;

    /// <inheritdoc />
    public Task<StoredResult> ApplyOnceAsync(string scope, string mutationId, Func<IEntityReader, MutationOutcome> run, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        cancellationToken.ThrowIfCancellationRequested();
        using var scopeLock = _gate.EnterScope();
        if (_results.TryGetValue((scope, mutationId), out var recorded))
        {
            return Task.FromResult(recorded with { Changes = [], IsReplay = true });
        }

        // run is called before anything is written, so a throwing run leaves nothing to undo.
        return Task.FromResult(Apply(scope, mutationId, run(new Reader(State(scope))), time, undo: null));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredResult>> ApplyBatchAsync(IReadOnlyList<PendingMutation> mutations, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mutations);
        cancellationToken.ThrowIfCancellationRequested();
        using var scopeLock = _gate.EnterScope();
        var undo = new List<Action>();
        var results = new StoredResult[mutations.Count];
        try
        {
            for (var i = 0; i < mutations.Count; i++)
            {
                var (scope, mutationId, run) = mutations[i];
                if (_results.TryGetValue((scope, mutationId), out var recorded))
                {
                    results[i] = recorded with { Changes = [], IsReplay = true };
                    continue;
                }

                MutationOutcome outcome;
                try
                {
                    outcome = run(new Reader(State(scope)));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The savepoint of a database storage: this mutation alone is rejected, its neighbours stay.
                    outcome = MutationOutcome.Rejected(ErrorCodes.InternalError, "The mutation failed on the server.");
                }

                results[i] = Apply(scope, mutationId, outcome, time, undo);
            }

            // The commit point: a batch cancelled before it keeps nothing, as a database's would.
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch
        {
            // Nothing of a failed batch is kept: undo in reverse order.
            for (var i = undo.Count - 1; i >= 0; i--)
            {
                undo[i]();
            }

            throw;
        }

        return Task.FromResult<IReadOnlyList<StoredResult>>(results);
    }

    /// <summary>Applies one mutation's outcome (not seen before) under the lock, noting how to undo it when <paramref name="undo"/> is given.</summary>
    private StoredResult Apply(string scope, string mutationId, MutationOutcome outcome, DateTimeOffset time, List<Action>? undo)
    {
        var entities = State(scope);
        StoredResult result;
        if (!outcome.IsApplied)
        {
            result = new StoredResult(false, 0, outcome.Code, outcome.Error, [], false);
        }
        else
        {
            var changes = new List<LogEntry>(outcome.Writes.Count);
            var headBefore = _head;
            foreach (var write in outcome.Writes)
            {
                var ids = Ids(entities, write.Entity);
                var existed = ids.TryGetValue(write.Id, out var previous);
                if (write.Json is { } json)
                {
                    ids[write.Id] = json.ToArray();
                }
                else if (!ids.Remove(write.Id))
                {
                    continue; // deleting what does not exist changes nothing
                }

                undo?.Add(() =>
                {
                    if (existed)
                    {
                        ids[write.Id] = previous!;
                    }
                    else
                    {
                        ids.Remove(write.Id);
                    }
                });
                var op = write.IsDelete ? EntityChange.Delete : existed ? EntityChange.Update : EntityChange.Create;
                changes.Add(new LogEntry(++_head, scope, time, write.Entity, write.Id, op, write.Json?.ToArray()));
            }

            if (!_log.TryGetValue(scope, out var log))
            {
                _log[scope] = log = [];
            }

            log.AddRange(changes);
            var added = changes.Count;
            undo?.Add(() =>
            {
                log.RemoveRange(log.Count - added, added);
                _head = headBefore;
            });
            result = new StoredResult(true, _head, null, null, changes, false);
        }

        _results[(scope, mutationId)] = result with { Changes = [] };
        undo?.Add(() => _results.Remove((scope, mutationId)));
        return result;
    }

    /// <inheritdoc />
    public Task<LogPage> ReadLogAsync(string scope, ulong after, int limit, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        cancellationToken.ThrowIfCancellationRequested();
        using var scopeLock = _gate.EnterScope();
        var trimmed = _trimmed.GetValueOrDefault(scope);
        if (!_log.TryGetValue(scope, out var log))
        {
            return Task.FromResult(new LogPage([], false, _head, trimmed));
        }

        var start = FirstAfter(log, after);
        var count = 0;
        var bytes = 0L;
        while (start + count < log.Count && count < limit)
        {
            var size = log[start + count].Value?.Length ?? 0;
            if (count > 0 && bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            count++;
        }

        return Task.FromResult(new LogPage(log.GetRange(start, count), start + count < log.Count, _head, trimmed));
    }

    /// <inheritdoc />
    public async Task<ulong> ReadStateAsync(string scope, Func<string, string, ReadOnlyMemory<byte>, ValueTask> entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        cancellationToken.ThrowIfCancellationRequested();
        // The values are never changed in place, so references taken under the lock stay a consistent view.
        List<(string Entity, string Id, byte[] Json)> rows = [];
        ulong head;
        using (_gate.EnterScope())
        {
            head = _head;
            if (_state.TryGetValue(scope, out var types))
            {
                foreach (var (name, ids) in types.OrderBy(t => t.Key, StringComparer.Ordinal))
                {
                    rows.AddRange(ids.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (name, e.Key, e.Value)));
                }
            }
        }

        foreach (var (name, id, json) in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await entity(name, id, json).ConfigureAwait(false);
        }

        return head;
    }

    /// <inheritdoc />
    public Task<int> TrimAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var scopeLock = _gate.EnterScope();
        var removed = 0;
        foreach (var (scope, log) in _log)
        {
            var count = log.FindIndex(e => e.Time >= before);
            count = count < 0 ? log.Count : count;
            if (count > 0)
            {
                _trimmed[scope] = log[count - 1].Cursor;
                log.RemoveRange(0, count);
                removed += count;
            }
        }

        return Task.FromResult(removed);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Dictionary<string, SortedDictionary<string, byte[]>> State(string scope)
    {
        if (!_state.TryGetValue(scope, out var entities))
        {
            _state[scope] = entities = new Dictionary<string, SortedDictionary<string, byte[]>>(StringComparer.Ordinal);
        }

        return entities;
    }

    private static SortedDictionary<string, byte[]> Ids(Dictionary<string, SortedDictionary<string, byte[]>> entities, string entity)
    {
        if (!entities.TryGetValue(entity, out var ids))
        {
            entities[entity] = ids = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        }

        return ids;
    }

    private static int FirstAfter(List<LogEntry> log, ulong after)
    {
        int low = 0, high = log.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (log[middle].Cursor <= after)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Reads one scope's state while a mutation runs.</summary>
    private sealed class Reader(Dictionary<string, SortedDictionary<string, byte[]>> entities) : IEntityReader
    {
        public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
        {
            if (entities.TryGetValue(entity, out var ids) && ids.TryGetValue(id, out var value))
            {
                json = value;
                return true;
            }

            json = default;
            return false;
        }

        public IReadOnlyList<string> Ids(string entity) => entities.TryGetValue(entity, out var ids) ? [.. ids.Keys] : [];
    }
}
