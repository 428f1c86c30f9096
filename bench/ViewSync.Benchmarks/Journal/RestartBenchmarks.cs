using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TodoSample;
using ViewSync.Persistence;

namespace ViewSync.Benchmarks.Journal;

/// <summary>
/// Restart: <c>new Replica(mutators).OpenAsync(new FilePersistence(dir))</c> over a journal holding a
/// 100k-entity snapshot followed by 100 page records, until the visible store is rebuilt; closed again
/// after. <see cref="RowsPerSecondColumn"/> turns the per-row time into rows/s (target ≥ 500k rows/s).
/// </summary>
/// <remarks>
/// Baselines in the same run: reading the journal file's bytes (the I/O floor; the file is in the page cache,
/// as after a normal restart) and that read plus a bare dictionary of 100k id → JSON (the least a load does).
/// Each operation is one row: <c>OperationsPerInvoke</c> = 100,000, so Mean is per row.
/// </remarks>
[Config(typeof(BenchConfig))]
[RowsPerSecondColumn]
public class RestartBenchmarks
{
    /// <summary>Entities in the journal.</summary>
    public const int Rows = 100_000;

    private string _directory = null!;
    private string _journal = null!;
    private (string Id, byte[] Json)[] _rows = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = JournalData.NewDirectory("restart");
        _journal = Path.Combine(_directory, FilePersistence.JournalFileName);
        var replica = JournalData.OpenFilledAsync(_directory, Rows).GetAwaiter().GetResult();
        for (var p = 0; p < 100; p++)
        {
            replica.ApplyServerChanges(JournalData.Page(p * 997 % Rows, Rows, p + 1), 2 + (ulong)p, []);
        }

        replica.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _rows = [.. Enumerable.Range(0, Rows).Select(i => ($"t{i}", JournalData.Todo(i, 0)))];
    }

    /// <summary>The journal file the benchmarks read (after <see cref="Setup"/>).</summary>
    public string JournalPath => _journal;

    [GlobalCleanup]
    public void Cleanup() => JournalData.DeleteDirectory(_directory);

    /// <summary>Baseline: the journal's bytes, read.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public int ReadJournalBytes() => File.ReadAllBytes(_journal).Length;

    /// <summary>Baseline: the read plus a bare dictionary build of every row.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public int ReadJournalBytes_PlusBareDictionary()
    {
        var bytes = File.ReadAllBytes(_journal);
        var index = new Dictionary<string, ReadOnlyMemory<byte>>(Rows, StringComparer.Ordinal);
        foreach (var (id, json) in _rows)
        {
            index[id] = json;
        }

        return bytes.Length + index.Count;
    }

    /// <summary>The restart: open, replay and rebuild the visible store, then close.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public async Task<int> OpenAsync_100k_Journal()
    {
        await using var replica = new Replica(TodoDb.Mutators);
        await replica.OpenAsync(new FilePersistence(_directory));
        return replica.Store.Count("todo");
    }
}

/// <summary>Adds <see cref="RowsPerSecondColumn"/> to a benchmark class.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RowsPerSecondColumnAttribute : ColumnConfigBaseAttribute
{
    /// <summary>Creates the attribute.</summary>
    public RowsPerSecondColumnAttribute()
        : base(new RowsPerSecondColumn())
    {
    }
}

/// <summary>1 / Mean, for benchmarks whose operation is one row (<c>OperationsPerInvoke</c> = rows).</summary>
public sealed class RowsPerSecondColumn : IColumn
{
    /// <inheritdoc/>
    public string Id => nameof(RowsPerSecondColumn);

    /// <inheritdoc/>
    public string ColumnName => "Rows/s";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => "Rows per second: 1 / Mean, where Mean is per row";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { Mean: > 0 } statistics
            ? (1e9 / statistics.Mean).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            : "-";

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
