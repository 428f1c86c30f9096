using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TodoSample;
using ViewSync.Store;

namespace ViewSync.Benchmarks;

/// <summary>
/// Issue 15's write path and entity reads: an optimistic <c>Create</c> until an effect watching <c>Count()</c> has
/// re-run, an optimistic update of an existing entity, and reading an entity through its handle next to a plain
/// dictionary lookup of the same decoded value (the baseline of the same run).
/// </summary>
/// <remarks>
/// <para>The write rows (the <c>create</c> category, baseline included) are bounded, as in a real client: every
/// iteration starts from the same state (1,000 confirmed todos, no pending mutation) and runs a fixed
/// <see cref="WriteInvocations"/> writes. Before, the store and the mutation queue grew without bound over the whole
/// run (millions of pending mutations), so each op ran against a bigger store and queue than the last, and paid for
/// growing them. The reset
/// (<see cref="ConfirmEverything"/>) is what a pull that confirms the pushed mutations does, and it runs outside the
/// measured invocations; each measured op is still the whole <c>db.Todos.Create(...)</c>: the rules checked, the
/// mutation minted and queued, the optimistic write, change delivery and the <c>Count()</c> effect re-running.</para>
/// <para>The same class ran on the commit before the write path work, which gave the "today" rows (unbounded then):
/// see bench/README.md, "Write path and entity reads (issue 15)".</para>
/// </remarks>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class WritePathBenchmarks
{
    private const int Entities = 1_000;

    /// <summary>
    /// Writes per iteration: at most this many pending mutations and created todos pile up before the reset, a
    /// backlog a client offline for a while could hold.
    /// </summary>
    private const int WriteInvocations = 4_096;

    /// <summary>
    /// Warm-up iterations of the write rows. An iteration of 4,096 writes lasts a few milliseconds, and the JIT moves
    /// hot code to its optimized tier only after about 100 ms of calls (twice, with dynamic PGO): the default three
    /// warm-ups would measure unoptimized code.
    /// </summary>
    private const int WriteWarmups = 200;

    /// <summary>Measured iterations of the write rows: short ones, so more of them.</summary>
    private const int WriteIterations = 24;

    private StoreSnapshot _confirmed = null!;
    private ulong _cursor = 1;
    private TodoDb _db = null!;
    private Effect _countEffect = null!;
    private TodoDb _journaled = null!;
    private Effect _journaledCountEffect = null!;
    private string _journalDirectory = null!;
    private int _seen;
    private int _created;
    private Todo _sample = null!;
    private Todo[] _renamed = null!;
    private int _update;
    private Dictionary<string, Todo> _plain = null!;
    private Entity<Todo> _handle = null!;

    [GlobalSetup]
    public void Setup()
    {
        _db = new TodoDb();
        var confirmed = new StoreSnapshot.Builder();
        _plain = new Dictionary<string, Todo>(StringComparer.Ordinal);
        for (var i = 0; i < Entities; i++)
        {
            var todo = new Todo($"t{i}", $"title {i}", false);
            confirmed.Add("todo", todo.Id, JsonSerializer.SerializeToUtf8Bytes(todo, AppJson.Default.Todo));
            _plain[todo.Id] = todo;
        }

        _confirmed = confirmed.Build();
        _db.Replica.ResetConfirmed(_confirmed, _cursor, []);
        _countEffect = new Effect(() => _seen = _db.Todos.Count());

        // The same, with the journal a real client keeps: every create is appended (handed to the operating system)
        // before it returns, and flushed to disk in the background.
        _journalDirectory = Journal.JournalData.NewDirectory("write-path");
        _journaled = new TodoDb(new Replica(TodoDb.Mutators));
        _journaled.Replica.OpenAsync(new Persistence.FilePersistence(_journalDirectory)).GetAwaiter().GetResult();
        _journaled.Replica.ResetConfirmed(_confirmed, _cursor, []);
        _journaledCountEffect = new Effect(() => _seen = _journaled.Todos.Count());
        _sample = new Todo("sample", "Buy oat milk", false);
        _renamed = [new Todo("t7", "renamed a", false), new Todo("t7", "renamed b", false)];
        _handle = _db.Todos.Get("t500");
        _ = _handle.Get();
        _ = _db.Todos.Get("t501").Get();
    }

    /// <summary>
    /// Before each iteration of the write rows (not measured): the server confirms every pending mutation with a
    /// snapshot of the 1,000 original todos, so the queue is empty and the store holds 1,000 todos again.
    /// </summary>
    [IterationSetup(Targets = [nameof(Create_CountEffectRerun), nameof(Create_Journaled_CountEffectRerun), nameof(Update_Set)])]
    public void ConfirmEverything()
    {
        ++_cursor;
        _db.Replica.ResetConfirmed(_confirmed, _cursor, [.. _db.Replica.Pending().Select(m => m.Id)]);
        _journaled.Replica.ResetConfirmed(_confirmed, _cursor, [.. _journaled.Replica.Pending().Select(m => m.Id)]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _countEffect.Dispose();
        _journaledCountEffect.Dispose();
        _journaled.Replica.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Journal.JournalData.DeleteDirectory(_journalDirectory);
    }

    /// <summary>The least an optimistic create does: encode the entity once (same run, for scale).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("create"), InvocationCount(WriteInvocations), WarmupCount(WriteWarmups), IterationCount(WriteIterations)]
    public byte[] Create_SerializeOnly() => JsonSerializer.SerializeToUtf8Bytes(_sample with { Id = $"s{_created++}" }, AppJson.Default.Todo);

    /// <summary><c>db.Todos.Create(todo)</c> until the effect watching <c>Count()</c> has re-run (it runs inside the call).</summary>
    [Benchmark, BenchmarkCategory("create"), InvocationCount(WriteInvocations), WarmupCount(WriteWarmups), IterationCount(WriteIterations)]
    public int Create_CountEffectRerun()
    {
        _db.Todos.Create(_sample with { Id = $"c{_created++}" });
        return _seen;
    }

    /// <summary>
    /// <see cref="Create_CountEffectRerun"/> on a replica opened over <see cref="Persistence.FilePersistence"/>: the
    /// create is also appended to the journal before it returns (what a real client pays).
    /// </summary>
    [Benchmark, BenchmarkCategory("create"), InvocationCount(WriteInvocations), WarmupCount(WriteWarmups), IterationCount(WriteIterations)]
    public int Create_Journaled_CountEffectRerun()
    {
        _journaled.Todos.Create(_sample with { Id = $"j{_created++}" });
        return _seen;
    }

    /// <summary>An optimistic update (<c>Set</c> on an existing entity), alternating two values so each really changes it.</summary>
    [Benchmark, BenchmarkCategory("create"), InvocationCount(WriteInvocations), WarmupCount(WriteWarmups), IterationCount(WriteIterations)]
    public string Update_Set() => _db.Todos.Get("t7").Set(_renamed[_update++ & 1]);

    /// <summary>The floor: a decoded value from a plain dictionary.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("read")]
    public Todo? Read_PlainDictionary() => _plain.TryGetValue("t501", out var todo) ? todo : null;

    /// <summary><c>db.Todos.Get(id).Get()</c>, untracked, of an entity read before.</summary>
    [Benchmark, BenchmarkCategory("read")]
    public Todo? Read_GetIdThenGet() => _db.Todos.Get("t501").Get();

    /// <summary><c>handle.Get()</c> on a handle the caller kept.</summary>
    [Benchmark, BenchmarkCategory("read")]
    public Todo? Read_KeptHandle() => _handle.Get();
}
