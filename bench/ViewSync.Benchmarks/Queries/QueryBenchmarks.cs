using BenchmarkDotNet.Attributes;
using TodoSample;

namespace ViewSync.Benchmarks.Queries;

/// <summary>
/// Live queries against the rescan baseline (<see cref="Rescan"/>), in the same run, at 1,000 and 100,000 todos:
/// the open todos ordered by title, first 50 (<c>Query().Where(t =&gt; !t.Done).OrderBy(t =&gt; t.Title).Take(50)</c>),
/// read by an effect. One change arrives as a store write (the visible store's own write, so the figures are the
/// query's cost plus the write, not a mutation's).
/// </summary>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class QueryBenchmarks
{
    private const int Window = 50;
    private static readonly StringComparer Ordinal = StringComparer.Ordinal;
    private TodoDb _live = null!;
    private TodoDb _rescanned = null!;
    private LiveQuery<Todo> _query = null!;
    private Effect _liveEffect = null!;
    private Effect _rescanEffect = null!;
    private byte[][] _inWindow = null!;
    private byte[][] _outside = null!;
    private int _write;
    private int _seen;

    /// <summary>How many todos the store holds.</summary>
    [Params(1_000, 100_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _live = QueryData.Database(N);
        _rescanned = QueryData.Database(N);
        _query = _live.Todos.Query().Where(t => !t.Done).OrderBy(t => t.Title, Ordinal).Take(Window);
        _liveEffect = new Effect(() =>
        {
            var seen = 0;
            for (var i = 0; i < _query.Count; i++)
            {
                seen += _query[i].Title.Length;
            }

            _seen = seen;
        });
        var rescan = new Rescan(_rescanned);
        _rescanEffect = new Effect(() => _seen = rescan.OpenByTitle(Window).Count);

        // t1 is open and first in the window: it moves to the middle of the window and back.
        _inWindow = QueryData.Alternating(_live, "t1", QueryData.Title(1), QueryData.Title(41) + "a", done: false);

        // t0 is done: renaming it keeps it outside the filter.
        _outside = QueryData.Alternating(_live, "t0", QueryData.Title(0), QueryData.Title(0) + "b", done: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _liveEffect.Dispose();
        _rescanEffect.Dispose();
        _query.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("update-in-window")]
    public int UpdateInWindow_Rescan()
    {
        _rescanned.Store.Set("todo", "t1", _inWindow[_write++ & 1]);
        return _seen;
    }

    [Benchmark, BenchmarkCategory("update-in-window")]
    public int UpdateInWindow_LiveQuery()
    {
        _live.Store.Set("todo", "t1", _inWindow[_write++ & 1]);
        return _seen;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("change-outside-filter")]
    public int OutsideFilter_Rescan()
    {
        _rescanned.Store.Set("todo", "t0", _outside[_write++ & 1]);
        return _seen;
    }

    [Benchmark, BenchmarkCategory("change-outside-filter")]
    public int OutsideFilter_LiveQuery()
    {
        _live.Store.Set("todo", "t0", _outside[_write++ & 1]);
        return _seen;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("build")]
    public int Build_Rescan() => new Rescan(_rescanned).OpenByTitle(Window).Count;

    [Benchmark, BenchmarkCategory("build")]
    public int Build_LiveQuery()
    {
        using var query = _live.Todos.Query().Where(t => !t.Done).OrderBy(t => t.Title, Ordinal).Take(Window);
        return query.Count;
    }
}
