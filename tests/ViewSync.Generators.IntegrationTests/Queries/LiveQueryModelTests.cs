using ViewSync.Mutators;
using ViewSync.Store;
using Xunit.Abstractions;

namespace ViewSync.Generators.IntegrationTests.Queries;

/// <summary>
/// Model-based test of live queries: thousands of random steps through the real replica (optimistic writes,
/// batches, server pages that rebase pending mutations, rejections, snapshots), and after each step every live
/// query must equal a from-scratch LINQ evaluation of the visible store, its change steps replayed onto a plain
/// list must give the same list, and an effect reading it must have re-run only if the result changed.
/// </summary>
public class LiveQueryModelTests(ITestOutputHelper output)
{
    private static readonly string[] Titles = ["apple", "bread", "cheese", "dates", "eggs"];
    private static readonly DateTimeOffset[] Times = [.. Enumerable.Range(0, 5).Select(i => new DateTimeOffset(2026, 11, 24, 12, i, 0, TimeSpan.Zero))];

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_live_query_matches_a_rescan_after_every_random_step(int seed)
    {
        // 4 seeds x 3,000 steps = 12,000 steps in all; VIEWSYNC_MODEL_SEED replays one seed.
        if (Environment.GetEnvironmentVariable("VIEWSYNC_MODEL_SEED") is { } only && int.TryParse(only, out var forced))
        {
            seed = forced;
        }

        var run = new ModelRun(seed, output);
        run.Run(steps: 3000);
    }

    /// <summary>One seeded run: the database, the queries under test and their observers.</summary>
    private sealed class ModelRun
    {
        private readonly Random _random;
        private readonly int _seed;
        private readonly ITestOutputHelper _output;
        private readonly TodoDb _db = new();
        private readonly List<Watched> _watched = [];
        private readonly List<string> _log = [];
        private ulong _cursor;

        public ModelRun(int seed, ITestOutputHelper output)
        {
            _seed = seed;
            _random = new Random(seed);
            _output = output;
        }

        public void Run(int steps)
        {
            // Some rows exist before the queries are built, so building from the store is tested too.
            for (var i = 0; i < 20; i++)
            {
                Put(RandomTodo());
            }

            var byTitle = Comparer<string>.Create(string.CompareOrdinal);
            Watch("filter only", _db.Todos.Query().Where(t => !t.Done),
                all => all.Where(t => !t.Done).OrderBy(t => t.Id, StringComparer.Ordinal));
            Watch("sorted asc, desc", _db.Todos.Query().OrderBy(t => t.Title, byTitle).ThenByDescending(t => t.Created),
                all => all.OrderBy(t => t.Title, StringComparer.Ordinal).ThenByDescending(t => t.Created).ThenBy(t => t.Id, StringComparer.Ordinal));
            Watch("filtered, desc, window 3+5", _db.Todos.Query().Where(t => t.Tags.Count != 1).OrderByDescending(t => t.Created).ThenBy(t => t.Title, byTitle).Skip(3).Take(5),
                all => all.Where(t => t.Tags.Count != 1).OrderByDescending(t => t.Created).ThenBy(t => t.Title, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal).Skip(3).Take(5));
            Watch("take 4", _db.Todos.Query().OrderBy(t => t.Done).ThenBy(t => t.Title, byTitle).Take(4),
                all => all.OrderBy(t => t.Done).ThenBy(t => t.Title, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal).Take(4));
            Watch("skip 10", _db.Todos.Query().Where(t => t.Title != "eggs").OrderByDescending(t => t.Title, byTitle).Skip(10),
                all => all.Where(t => t.Title != "eggs").OrderByDescending(t => t.Title, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal).Skip(10));
            Watch("skip 2 take 0", _db.Todos.Query().Skip(2).Take(0), _ => []);
            Watch("index lookup", _db.Todos.ByTitle("bread"),
                all => all.Where(t => t.Title == "bread").OrderBy(t => t.Id, StringComparer.Ordinal));
            Watch("index lookup, filtered, desc, window 1+3", _db.Todos.ByDone(false).Where(t => t.Tags.Count > 0).OrderByDescending(t => t.Created).Skip(1).Take(3),
                all => all.Where(t => !t.Done && t.Tags.Count > 0).OrderByDescending(t => t.Created).ThenBy(t => t.Id, StringComparer.Ordinal).Skip(1).Take(3));

            for (var step = 0; step < steps; step++)
            {
                var action = Step();
                _log.Add(action);
                Check(step, action);
            }

            _output.WriteLine($"seed {_seed}: {steps} steps; " + string.Join(", ", _watched.Select(w => $"{w.Name}: {w.Events} steps, {w.Resets} resets, {w.Runs} runs")));
            Assert.True(_watched.Sum(w => w.Resets) > 0, $"seed {_seed}: no step exercised a reset");
            Assert.True(_watched.Sum(w => w.Moves) > 0, $"seed {_seed}: no step exercised a move");
        }

        private void Watch(string name, LiveQuery<Todo> query, Func<IEnumerable<Todo>, IEnumerable<Todo>> rescan)
        {
            var watched = new Watched(name, query, rescan);
            watched.Replayed.AddRange(query);
            query.Changed += (_, e) =>
            {
                try
                {
                    watched.Apply(e.Changes);
                }
                catch (Exception x)
                {
                    watched.Failure ??= $"{x.Message} applying [{string.Join("; ", e.Changes)}] to [{Ids(watched.Replayed)}]";
                }
            };
            watched.Effect = new Effect(() =>
            {
                _ = query.Snapshot();
                watched.Runs++;
            });
            watched.Last = [.. rescan(Visible())];
            watched.Runs = 0;
            _watched.Add(watched);
        }

        /// <summary>The visible store, decoded from scratch: the truth the queries are compared with.</summary>
        private List<Todo> Visible() =>
            [.. _db.Store.Entries("todo").Select(e => _db.Todos.Type.Deserialize(e.Json.Span))];

        private static bool IsDone(Todo todo) => todo.Done;

        private void Check(int step, string action)
        {
            var all = Visible();
            Assert.True(all.OrderBy(t => t.Id, StringComparer.Ordinal).SequenceEqual(_db.Todos.All(), SameTodo.Instance), $"seed {_seed}, step {step} ({action}): All() differs from a rescan");
            Assert.True(all.Where(IsDone).OrderBy(t => t.Id, StringComparer.Ordinal).SequenceEqual(_db.Todos.Find(IsDone), SameTodo.Instance), $"seed {_seed}, step {step} ({action}): Find differs from a rescan");
            foreach (var watched in _watched)
            {
                var expected = watched.Rescan(all).ToList();
                var context = $"seed {_seed}, step {step} ({action}), query '{watched.Name}'. Replay with VIEWSYNC_MODEL_SEED={_seed}. Last steps: {string.Join(" | ", _log.TakeLast(5))}";
                Assert.True(watched.Failure is null, $"{context}: {watched.Failure}");
                Assert.True(expected.SequenceEqual(watched.Query, SameTodo.Instance), $"{context}: the query holds [{Ids(watched.Query)}], a rescan gives [{Ids(expected)}]");
                Assert.True(expected.SequenceEqual(watched.Replayed, SameTodo.Instance), $"{context}: its replayed changes give [{Ids(watched.Replayed)}], a rescan gives [{Ids(expected)}]");
                Assert.Equal(expected.Count, watched.Query.Count);
                var changed = !expected.SequenceEqual(watched.Last, SameTodo.Instance);
                var runs = watched.Runs;
                watched.Runs = 0;
                if (changed)
                {
                    Assert.True(runs >= 1, $"{context}: the result changed but its effect did not re-run");
                }
                else if (!action.StartsWith("batch", StringComparison.Ordinal))
                {
                    // A batch may change a result and change it back; any single operation that leaves it equal must not re-run it.
                    Assert.True(runs == 0, $"{context}: the result did not change but its effect re-ran {runs} times after [{string.Join("; ", watched.StepChanges)}]");
                }

                Assert.True(runs <= 1, $"{context}: one step re-ran the effect {runs} times");
                watched.Last = expected;
                watched.StepChanges.Clear();
            }
        }

        private static string Ids(IEnumerable<Todo> todos) => string.Join(",", todos.Select(t => t.Id));

        private string Step()
        {
            switch (_random.Next(100))
            {
                case < 30:
                    var todo = RandomTodo();
                    Put(todo);
                    return $"put {todo}";
                case < 40:
                    var id = RandomId();
                    TryMutate(() => _db.Mutate.Toggle(id));
                    return $"toggle {id}";
                case < 50:
                    var renamed = RandomId();
                    var title = RandomTitle();
                    TryMutate(() => _db.Mutate.Rename(renamed, title));
                    return $"rename {renamed} {title}";
                case < 60:
                    var deleted = RandomId();
                    TryMutate(() => _db.Todos.Get(deleted).Delete());
                    return $"delete {deleted}";
                case < 70:
                    var count = _random.Next(2, 6);
                    Reactive.Batch(() =>
                    {
                        for (var i = 0; i < count; i++)
                        {
                            if (_random.Next(3) == 0)
                            {
                                var victim = RandomId();
                                TryMutate(() => _db.Todos.Get(victim).Delete());
                            }
                            else
                            {
                                Put(RandomTodo());
                            }
                        }
                    });
                    return $"batch of {count}";
                case < 85:
                    return ServerPage();
                case < 92:
                    var pending = _db.Replica.Pending();
                    if (pending.Count == 0)
                    {
                        return "reject nothing";
                    }

                    var rejected = pending[_random.Next(pending.Count)];
                    _db.Replica.Reject(rejected.Id);
                    return $"reject {rejected.Name}";
                case < 95:
                    var clearedBefore = _db.Replica.Pending().Count;
                    TryMutate(() => _db.Mutate.ClearDone());
                    return $"clear done ({clearedBefore} pending)";
                default:
                    return Snapshot();
            }
        }

        /// <summary>A page from the server: random writes, maybe confirming the oldest pending mutations, which rebases the rest.</summary>
        private string ServerPage()
        {
            var writes = new List<EntityWrite>();
            var count = _random.Next(1, 6);
            for (var i = 0; i < count; i++)
            {
                writes.Add(_random.Next(4) == 0
                    ? new EntityWrite("todo", RandomId(), null)
                    : Write(RandomTodo()));
            }

            var pending = _db.Replica.Pending();
            var confirmed = pending.Take(_random.Next(pending.Count + 1)).Select(m => m.Id).ToList();
            _db.Replica.ApplyServerChanges(writes, ++_cursor, confirmed);
            return $"server page of {count}, confirming {confirmed.Count} of {pending.Count} pending";
        }

        /// <summary>A whole new confirmed state (most ids change at once), with pending mutations replayed on top.</summary>
        private string Snapshot()
        {
            var builder = new StoreSnapshot.Builder();
            for (var i = 0; i < 60; i++)
            {
                if (_random.Next(4) != 0)
                {
                    var todo = RandomTodo() with { Id = $"t{i:00}" };
                    builder.Add("todo", todo.Id, _db.Todos.Type.Serialize(todo));
                }
            }

            _db.Replica.ResetConfirmed(builder.Build(), ++_cursor, []);
            return $"snapshot ({_db.Replica.Pending().Count} pending)";
        }

        private EntityWrite Write(Todo todo) => new("todo", todo.Id, _db.Todos.Type.Serialize(todo));

        private void Put(Todo todo) => TryMutate(() => _db.Todos.Get(todo.Id).Set(todo));

        private static void TryMutate(Action mutate)
        {
            try
            {
                mutate();
            }
            catch (MutationRejectedException)
            {
                // A mutator refusing (a missing id) is part of the game: nothing changed.
            }
        }

        private Todo RandomTodo()
        {
            var tags = _random.Next(3) switch { 0 => Array.Empty<string>(), 1 => ["a"], _ => new[] { "a", "b" } };
            return new Todo(RandomId(), RandomTitle(), _random.Next(2) == 0, Times[_random.Next(Times.Length)], tags);
        }

        private string RandomId() => $"t{_random.Next(60):00}";

        private string RandomTitle() => Titles[_random.Next(Titles.Length)];
    }

    /// <summary>Todos equal by value, tags included (the record compares its list by reference).</summary>
    private sealed class SameTodo : IEqualityComparer<Todo>
    {
        public static readonly SameTodo Instance = new();

        public bool Equals(Todo? x, Todo? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Title == y.Title && x.Done == y.Done && x.Created == y.Created && x.Tags.SequenceEqual(y.Tags);

        public int GetHashCode(Todo obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }

    /// <summary>A query under test, the list its changes are replayed onto, and its reading effect.</summary>
    private sealed class Watched(string name, LiveQuery<Todo> query, Func<IEnumerable<Todo>, IEnumerable<Todo>> rescan)
    {
        public string Name => name;

        public LiveQuery<Todo> Query => query;

        public Func<IEnumerable<Todo>, IEnumerable<Todo>> Rescan => rescan;

        public List<Todo> Replayed { get; } = [];

        public List<Todo> Last { get; set; } = [];

        public Effect? Effect { get; set; }

        public string? Failure { get; set; }

        public List<QueryChange<Todo>> StepChanges { get; } = [];

        public int Runs { get; set; }

        public int Events { get; private set; }

        public int Resets { get; private set; }

        public int Moves { get; private set; }

        public void Apply(IReadOnlyList<QueryChange<Todo>> changes)
        {
            StepChanges.AddRange(changes);
            foreach (var change in changes)
            {
                Events++;
                switch (change.Kind)
                {
                    case QueryChangeKind.Added:
                        Replayed.Insert(change.Index, change.Item!);
                        break;
                    case QueryChangeKind.Removed:
                        Assert.Equal(change.Id, Replayed[change.Index].Id);
                        Replayed.RemoveAt(change.Index);
                        break;
                    case QueryChangeKind.Moved:
                        Moves++;
                        Assert.Equal(change.Id, Replayed[change.OldIndex].Id);
                        Replayed.RemoveAt(change.OldIndex);
                        Replayed.Insert(change.Index, change.Item!);
                        break;
                    case QueryChangeKind.Replaced:
                        Assert.Equal(change.Id, Replayed[change.Index].Id);
                        Replayed[change.Index] = change.Item!;
                        break;
                    case QueryChangeKind.Reset:
                        Resets++;
                        Replayed.Clear();
                        Replayed.AddRange(query.Snapshot());
                        break;
                }
            }
        }
    }
}
