using System.Globalization;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Store;

namespace ViewSync.Tests.Journal;

/// <summary>
/// A seeded mix of everything that writes a replica's journal — mutations, pulled pages (with another
/// writer's changes), rejections, snapshots and flushes — against an authoritative server model. Before
/// each step it knows the state the journal must hold if the step completes, so a test that crashes the
/// client anywhere can say exactly which states a recovery may find.
/// </summary>
internal sealed class JournalWorkload
{
    private readonly Replica _replica;
    private readonly Random _random;
    private readonly Dictionary<(string Entity, string Id), byte[]> _server = [];
    private readonly Dictionary<(string Entity, string Id), byte[]> _confirmed = [];
    private ulong _cursor;

    /// <summary>Starts where the replica is: the server holds the replica's confirmed state at its cursor.</summary>
    public JournalWorkload(Replica replica, Random random)
    {
        _replica = replica;
        _random = random;
        foreach (var (entity, ids) in replica.ConfirmedSnapshot().Entities)
        {
            foreach (var (id, json) in ids)
            {
                _server[(entity, id)] = json.ToArray();
                _confirmed[(entity, id)] = json.ToArray();
            }
        }

        _cursor = replica.Cursor;
        Current = Expected([.. replica.Pending().Select(m => m.Id)]);
    }

    /// <summary>The state the journal holds after the last completed step.</summary>
    public ExpectedState Current { get; private set; }

    /// <summary>The ids of the mutations whose <c>Mutate</c> returned, in order.</summary>
    public List<string> Returned { get; } = [];

    /// <summary>
    /// Runs one step. <paramref name="next"/> hears the state the journal holds if the step completes,
    /// before the step starts; when the step returns, that state is <see cref="Current"/>.
    /// </summary>
    /// <returns>Whether the step was a flush: every state up to <see cref="Current"/> is then durable.</returns>
    public async Task<bool> StepAsync(Action<ExpectedState> next)
    {
        var pending = _replica.Pending();
        var roll = _random.Next(100);
        if (roll < 45 || pending.Count == 0)
        {
            Mutate(next);
        }
        else if (roll < 70)
        {
            Page(pending, next);
        }
        else if (roll < 78)
        {
            var rejected = pending[0];
            var after = Expected([.. pending.Skip(1).Select(m => m.Id)]);
            next(after);
            _replica.Reject(rejected.Id);
            Current = after;
        }
        else if (roll < 85)
        {
            Snapshot(pending, next);
        }
        else
        {
            next(Current);
            await _replica.FlushAsync();
            return true;
        }

        return false;
    }

    private void Mutate(Action<ExpectedState> next)
    {
        var (name, args) = _random.Next(4) switch
        {
            0 or 1 => ("counter.add", $$"""{"id":"c{{_random.Next(12)}}","n":{{_random.Next(1, 9)}}}"""),
            2 => ("note.put", $$"""{"id":"n{{_random.Next(6)}}","text":"{{new string('x', _random.Next(600))}}"}"""),
            _ => _random.Next(3) == 0
                ? ("note.delete", $$"""{"id":"n{{_random.Next(6)}}"}""")
                : ("note.append", $$"""{"id":"n{{_random.Next(6)}}","text":"+"}"""),
        };

        next(Current with { OneMoreMutation = true });
        string id;
        try
        {
            id = _replica.Mutate(name, CounterMutators.Args(args));
        }
        catch (InvalidOperationException)
        {
            // note.append on a missing note: nothing was queued.
            return;
        }

        Returned.Add(id);
        Current = Current with { Pending = [.. Current.Pending, id] };
    }

    /// <summary>The server applies the oldest pending mutations (rejecting what throws) and another writer changes things; the client applies the page.</summary>
    private void Page(IReadOnlyList<Mutation> pending, Action<ExpectedState> next)
    {
        var writes = new Dictionary<(string Entity, string Id), byte[]?>();
        var confirmed = new List<string>();
        foreach (var mutation in pending.Take(_random.Next(1, 4)))
        {
            if (!ApplyOnServer(mutation, writes))
            {
                break; // the server will reject it; a later step does
            }

            confirmed.Add(mutation.Id);
        }

        if (_random.Next(2) == 0)
        {
            var key = ("counter", $"c{_random.Next(12)}");
            _server[key] = writes[key] = CounterMutators.Counter(CounterMutators.Value(new ServerReader(_server), "counter", key.Item2) + 100);
            _cursor++;
        }

        if (_random.Next(4) == 0)
        {
            var key = ("note", $"n{_random.Next(6)}");
            _server.Remove(key);
            writes[key] = null;
            _cursor++;
        }

        foreach (var (key, json) in writes)
        {
            if (json is null)
            {
                _confirmed.Remove(key);
            }
            else
            {
                _confirmed[key] = json;
            }
        }

        var after = Expected([.. pending.Select(m => m.Id).Except(confirmed)]);
        next(after);
        // Spelled out: a null byte[] would silently convert to an empty, non-null ReadOnlyMemory.
        _replica.ApplyServerChanges([.. writes.Select(w => new EntityWrite(w.Key.Entity, w.Key.Id, w.Value is null ? null : (ReadOnlyMemory<byte>?)w.Value))], _cursor, confirmed);
        Current = after;
    }

    private void Snapshot(IReadOnlyList<Mutation> pending, Action<ExpectedState> next)
    {
        var confirmed = new List<string>();
        var writes = new Dictionary<(string Entity, string Id), byte[]?>();
        foreach (var mutation in pending.Take(_random.Next(0, 3)))
        {
            if (!ApplyOnServer(mutation, writes))
            {
                break;
            }

            confirmed.Add(mutation.Id);
        }

        _confirmed.Clear();
        var snapshot = new StoreSnapshot.Builder();
        foreach (var (key, json) in _server)
        {
            _confirmed[key] = json;
            snapshot.Add(key.Entity, key.Id, json);
        }

        var after = Expected([.. pending.Select(m => m.Id).Except(confirmed)]);
        next(after);
        _replica.ResetConfirmed(snapshot.Build(), _cursor, confirmed);
        Current = after;
    }

    /// <summary>Runs a mutation on the server state; false when its mutator throws (the server rejects it).</summary>
    private bool ApplyOnServer(Mutation mutation, Dictionary<(string Entity, string Id), byte[]?> writes)
    {
        var transaction = new BufferedTransaction(new ServerReader(_server));
        try
        {
            CounterMutators.Table.Apply(transaction, mutation.Name, mutation.Args);
        }
        catch (Exception e) when (e is InvalidOperationException or MutationRejectedException)
        {
            return false;
        }

        foreach (var write in transaction.Writes)
        {
            var key = (write.Entity, write.Id);
            if (write.Json is { } json)
            {
                _server[key] = writes[key] = json.ToArray();
            }
            else
            {
                _server.Remove(key);
                writes[key] = null;
            }

            _cursor++;
        }

        _cursor++; // mutations that write nothing still take a log position
        return true;
    }

    private ExpectedState Expected(IReadOnlyList<string> pending) => new(_cursor, StateDigest.Of(_confirmed), pending);

    /// <summary>The server state as the mutators read it.</summary>
    private sealed class ServerReader(Dictionary<(string Entity, string Id), byte[]> state) : IEntityReader
    {
        public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
        {
            var found = state.TryGetValue((entity, id), out var bytes);
            json = bytes;
            return found;
        }

        public IReadOnlyList<string> Ids(string entity) =>
            [.. state.Keys.Where(k => k.Entity == entity).Select(k => k.Id).Order(StringComparer.Ordinal)];
    }

    /// <summary>Checks rule 3: the visible store is the confirmed state with the pending mutations replayed in order.</summary>
    public static string? VisibleProblem(Replica replica)
    {
        var confirmed = replica.ConfirmedSnapshot();
        var state = new Dictionary<(string Entity, string Id), byte[]>();
        foreach (var (entity, ids) in confirmed.Entities)
        {
            foreach (var (id, json) in ids)
            {
                state[(entity, id)] = json.ToArray();
            }
        }

        foreach (var mutation in replica.Pending())
        {
            var transaction = new BufferedTransaction(new ServerReader(state));
            try
            {
                CounterMutators.Table.Apply(transaction, mutation.Name, mutation.Args);
            }
            catch (Exception e) when (e is InvalidOperationException or MutationRejectedException)
            {
                continue;
            }

            foreach (var write in transaction.Writes)
            {
                if (write.Json is { } json)
                {
                    state[(write.Entity, write.Id)] = json.ToArray();
                }
                else
                {
                    state.Remove((write.Entity, write.Id));
                }
            }
        }

        var visible = replica.Store.EntityNames.SelectMany(entity => replica.Store.Entries(entity).Select(e => (entity, e.Id, e.Json)));
        var expected = StateDigest.Of(state);
        var actual = StateDigest.Of(visible);
        return expected == actual ? null : string.Create(CultureInfo.InvariantCulture, $"the visible state {actual} is not the confirmed state with the pending mutations replayed ({expected})");
    }
}
