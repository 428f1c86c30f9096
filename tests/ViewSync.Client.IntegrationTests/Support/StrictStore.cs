using System.Text.Json;
using ViewSync.Mutators;
using ViewSync.Protocol;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// The strict server's state, kept the way the Go <c>sync</c> engine keeps it: one global log whose
/// cursors every scope shares (so a scope's cursors skip numbers), each scope's entities, and the
/// mutation ids applied per scope. Mutations run through the app's own mutators.
/// </summary>
internal sealed class StrictStore(MutatorTable mutators, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<StrictChange> _log = [];
    private readonly Dictionary<string, StrictScope> _scopes = new(StringComparer.Ordinal);
    private ulong _head;

    /// <summary>Raised outside the lock after a scope's log advanced, with the scope and its new cursor.</summary>
    public event Action<string, ulong>? Advanced;

    /// <summary>The last cursor of the whole log.</summary>
    public ulong Head
    {
        get
        {
            using var scope = _gate.EnterScope();
            return _head;
        }
    }

    /// <summary>
    /// Applies one mutation once per (scope, id). A replay is <c>ok</c> with the scope's <em>current</em>
    /// cursor, as the Go engine answers. A rejection is not remembered: nothing was applied.
    /// </summary>
    public StrictOutcome Apply(string scope, string id, string name, JsonElement args)
    {
        StrictOutcome outcome;
        using (_gate.EnterScope())
        {
            var state = Scope(scope);
            if (state.Applied.Contains(id))
            {
                return new StrictOutcome(true, state.Cursor, [], null);
            }

            var transaction = new BufferedTransaction(state);
            try
            {
                mutators.Apply(transaction, name, args);
            }
            catch (MutationRejectedException e)
            {
                return new StrictOutcome(false, 0, [], e.Code == ErrorCodes.Conflict ? "sync: conflict" : e.Message);
            }
            catch (Exception e) when (e is ArgumentException or JsonException or InvalidOperationException)
            {
                return new StrictOutcome(false, 0, [], e.Message);
            }

            var changes = new List<StrictChange>();
            foreach (var write in transaction.Writes)
            {
                var value = write.Json?.ToArray();
                var key = (write.Entity, write.Id);
                var op = value is null ? EntityChange.Delete : state.Entities.ContainsKey(key) ? EntityChange.Update : EntityChange.Create;
                if (value is null)
                {
                    state.Entities.Remove(key);
                }
                else
                {
                    state.Entities[key] = value;
                }

                var change = new StrictChange(++_head, scope, time.GetUtcNow(), write.Entity, write.Id, op, value);
                _log.Add(change);
                changes.Add(change);
                state.Cursor = change.Cursor;
            }

            state.Applied.Add(id);
            outcome = new StrictOutcome(true, state.Cursor, changes, null);
        }

        if (outcome.Changes.Count > 0)
        {
            Advanced?.Invoke(scope, outcome.Cursor);
        }

        return outcome;
    }

    /// <summary>Up to <paramref name="limit"/> changes of a scope after a cursor, and whether more follow.</summary>
    public (IReadOnlyList<StrictChange> Changes, bool HasMore) Read(string scope, ulong after, int limit)
    {
        using var gate = _gate.EnterScope();
        var changes = _log.Where(c => c.Scope == scope && c.Cursor > after).Take(limit + 1).ToList();
        var hasMore = changes.Count > limit;
        return (hasMore ? changes[..limit] : changes, hasMore);
    }

    /// <summary>A scope's entities (entity → id → JSON) and the log head they are consistent with.</summary>
    public (IReadOnlyDictionary<string, IReadOnlyDictionary<string, byte[]>> Data, ulong Cursor) Snapshot(string scope)
    {
        using var gate = _gate.EnterScope();
        var data = Scope(scope).Entities
            .GroupBy(e => e.Key.Entity, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyDictionary<string, byte[]>)g.ToDictionary(e => e.Key.Id, e => e.Value, StringComparer.Ordinal),
                StringComparer.Ordinal);
        return (data, _head);
    }

    private StrictScope Scope(string scope)
    {
        if (!_scopes.TryGetValue(scope, out var state))
        {
            _scopes[scope] = state = new StrictScope();
        }

        return state;
    }

    /// <summary>One scope: its entities, the ids applied in it, and the cursor of its last change.</summary>
    private sealed class StrictScope : IEntityReader
    {
        public Dictionary<(string Entity, string Id), byte[]> Entities { get; } = [];

        public HashSet<string> Applied { get; } = new(StringComparer.Ordinal);

        public ulong Cursor { get; set; }

        public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
        {
            var found = Entities.TryGetValue((entity, id), out var value);
            json = value;
            return found;
        }

        public IReadOnlyList<string> Ids(string entity) =>
            [.. Entities.Keys.Where(k => k.Entity == entity).Select(k => k.Id).Order(StringComparer.Ordinal)];
    }
}
