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
/// The same class runs unchanged on the commit before the write path work, which gives the "today" rows:
/// see bench/README.md, "Write path and entity reads (issue 15)".
/// </remarks>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class WritePathBenchmarks
{
    private const int Entities = 1_000;
    private TodoDb _db = null!;
    private Effect _countEffect = null!;
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

        _db.Replica.ResetConfirmed(confirmed.Build(), 1, []);
        _countEffect = new Effect(() => _seen = _db.Todos.Count());
        _sample = new Todo("sample", "Buy oat milk", false);
        _renamed = [new Todo("t7", "renamed a", false), new Todo("t7", "renamed b", false)];
        _handle = _db.Todos.Get("t500");
        _ = _handle.Get();
        _ = _db.Todos.Get("t501").Get();
    }

    [GlobalCleanup]
    public void Cleanup() => _countEffect.Dispose();

    /// <summary>The least an optimistic create does: encode the entity once (same run, for scale).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("create")]
    public byte[] Create_SerializeOnly() => JsonSerializer.SerializeToUtf8Bytes(_sample with { Id = $"s{_created++}" }, AppJson.Default.Todo);

    /// <summary><c>db.Todos.Create(todo)</c> until the effect watching <c>Count()</c> has re-run (it runs inside the call).</summary>
    [Benchmark, BenchmarkCategory("create")]
    public int Create_CountEffectRerun()
    {
        _db.Todos.Create(_sample with { Id = $"c{_created++}" });
        return _seen;
    }

    /// <summary>An optimistic update (<c>Set</c> on an existing entity), alternating two values so each really changes it.</summary>
    [Benchmark, BenchmarkCategory("create")]
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
