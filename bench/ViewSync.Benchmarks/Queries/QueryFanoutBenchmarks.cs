using BenchmarkDotNet.Attributes;
using TodoSample;

namespace ViewSync.Benchmarks.Queries;

/// <summary>
/// 1,000 live queries (one per title group, each read by its own effect) and one change arriving that changes one
/// group's result. The baseline is ONE rescanning effect (<see cref="Rescan"/>) seeing the same change: 1,000 of them
/// would cost 1,000 times that (the issue measured 23.8 s at 100,000 todos), too slow to run here.
/// </summary>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class QueryFanoutBenchmarks
{
    private const int Queries = 1_000;
    private TodoDb _live = null!;
    private TodoDb _rescanned = null!;
    private readonly List<LiveQuery<Todo>> _queries = [];
    private readonly List<Effect> _effects = [];
    private byte[][] _change = null!;
    private int _write;
    private int _runs;

    /// <summary>How many todos the store holds.</summary>
    [Params(1_000, 100_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        static string Group(int i) => $"g{i % Queries:D3}";
        _live = QueryData.Database(N, i => $"{Group(i)} {i:D7}");
        _rescanned = QueryData.Database(N, i => $"{Group(i)} {i:D7}");
        for (var g = 0; g < Queries; g++)
        {
            var prefix = Group(g) + " ";
            var query = _live.Todos.Query().Where(t => t.Title.StartsWith(prefix, StringComparison.Ordinal));
            _queries.Add(query);
            _effects.Add(new Effect(() =>
            {
                _ = query.FirstOrDefault();
                _runs++;
            }));
        }

        var rescan = new Rescan(_rescanned);
        _effects.Add(new Effect(() => _runs += rescan.OpenByTitle(50).Count));

        // t7 stays in group 7 with another title: only query 7's result changes.
        _change = QueryData.Alternating(_live, "t7", "g007 0000007", "g007 0000007 renamed", done: false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _effects.ForEach(e => e.Dispose());
        _queries.ForEach(q => q.Dispose());
    }

    [Benchmark(Baseline = true), BenchmarkCategory("1000-queries")]
    public int OneRescan()
    {
        _rescanned.Store.Set("todo", "t7", _change[_write++ & 1]);
        return _runs;
    }

    [Benchmark, BenchmarkCategory("1000-queries")]
    public int ThousandLiveQueries()
    {
        _live.Store.Set("todo", "t7", _change[_write++ & 1]);
        return _runs;
    }
}
