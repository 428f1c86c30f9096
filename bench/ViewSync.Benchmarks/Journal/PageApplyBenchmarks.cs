using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TodoSample;
using ViewSync.Benchmarks.Journal.Baselines;
using ViewSync.Store;

namespace ViewSync.Benchmarks.Journal;

/// <summary>
/// Applying one pulled 100-change page to a replica over <see cref="Persistence.FilePersistence"/> with 1k
/// and with 100k confirmed entities. The journal makes it O(page), so the two sizes should cost about the
/// same (target: within 2× of each other) and at most 2× the baseline, a <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>
/// of the same page's JSON. The old design (copy + rewrite + fsync the whole store per page) is a second reference.
/// </summary>
/// <remarks>
/// <c>ApplyServerChanges</c> is measured on the writes the sync loop hands it (already decoded from the
/// response); no mutations are pending. Pages cycle over 16 positions with changing values, so each
/// application really changes state. Background fsyncs (group commit) and compactions run while it is
/// measured, as they would in the app.
/// </remarks>
[Config(typeof(BenchConfig))]
public class PageApplyBenchmarks
{
    private const int Pages = 16;
    private string _directory = null!;
    private string _oldDirectory = null!;
    private Replica _replica = null!;
    private Replica _oldReplica = null!;
    private WholeStoreRewrite _old = null!;
    private EntityWrite[][] _pages = null!;
    private byte[] _json = null!;
    private ulong _cursor = 1;
    private int _next;

    /// <summary>Confirmed entities in the replica before the page.</summary>
    [Params(1_000, 100_000)]
    public int Entities { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = JournalData.NewDirectory("page");
        _replica = JournalData.OpenFilledAsync(_directory, Entities).GetAwaiter().GetResult();
        _pages = [.. Enumerable.Range(0, Pages).Select(p => JournalData.Page(p * 997 % Entities, Entities, p + 1))];
        _json = JournalData.PageJson(_pages[0], 1);

        _oldDirectory = JournalData.NewDirectory("page-old");
        _old = new WholeStoreRewrite(_oldDirectory);
        _oldReplica = new Replica(TodoDb.Mutators);
        _oldReplica.ResetConfirmed(JournalData.Snapshot(Entities), 1, []);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _replica.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _old.Dispose();
        JournalData.DeleteDirectory(_directory);
        JournalData.DeleteDirectory(_oldDirectory);
    }

    /// <summary>Baseline: the least a client must do with a page, parse its JSON once.</summary>
    [Benchmark(Baseline = true)]
    public int JsonDocument_Parse_OfThePage()
    {
        using var document = JsonDocument.Parse(_json);
        return document.RootElement.GetProperty("changes").GetArrayLength();
    }

    /// <summary>The journal: one page record handed to the OS, then an O(page) apply and rebase.</summary>
    [Benchmark]
    public ulong ApplyServerChanges_Journal()
    {
        _replica.ApplyServerChanges(_pages[_next++ % Pages], ++_cursor, []);
        return _cursor;
    }

    /// <summary>Second reference, the old design: apply in memory, then copy, encode, rewrite and fsync the whole store.</summary>
    [Benchmark]
    public ulong OldDesign_ApplyThenRewriteWholeStore()
    {
        _oldReplica.ApplyServerChanges(_pages[_next++ % Pages], ++_cursor, []);
        _old.SavePage(_oldReplica, _cursor, []);
        return _cursor;
    }
}
