using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TodoSample;
using ViewSync.Protocol;
using ViewSync.Store;
using ViewSync.Transport;

namespace ViewSync.Benchmarks;

/// <summary>
/// The client's hot paths: an optimistic create seen by an effect; applying a 1,000-change pull page
/// with 100 mutations pending (as a ratio to just deserializing that page); loading 100,000 entities.
/// </summary>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class ClientBenchmarks
{
    private const int PageSize = 1_000;
    private const int Pending = 100;
    private const int SnapshotSize = 100_000;
    private TodoDb _db = null!;
    private Effect _effect = null!;
    private int _created;
    private int _seen;
    private Todo _sample = null!;
    private TodoDb _rebasing = null!;
    private byte[][] _pages = null!;
    private int _page;
    private LocalStore _store = null!;
    private StoreSnapshot[] _snapshots = null!;
    private int _snapshot;

    [GlobalSetup]
    public void Setup()
    {
        _db = new TodoDb();
        _effect = new Effect(() => _seen = _db.Todos.Count());
        _sample = new Todo("sample", "Buy oat milk", false);

        // A replica with 1,000 confirmed todos and 100 pending renames over them.
        _rebasing = new TodoDb();
        var confirmed = new StoreSnapshot.Builder();
        for (var i = 0; i < PageSize; i++)
        {
            confirmed.Add("todo", $"t{i}", JsonSerializer.SerializeToUtf8Bytes(new Todo($"t{i}", "start", false), AppJson.Default.Todo));
        }

        _rebasing.Replica.ResetConfirmed(confirmed.Build(), 1, []);
        for (var i = 0; i < Pending; i++)
        {
            _rebasing.Mutate.Rename($"t{i * 10}", $"pending {i}");
        }

        // Two alternating pages so every application really changes state.
        _pages = [Page(done: true), Page(done: false)];

        _store = new LocalStore();
        _snapshots = [Snapshot(0), Snapshot(1)];
    }

    [GlobalCleanup]
    public void Cleanup() => _effect.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("optimistic-create")]
    public byte[] Create_SerializeOnly() => JsonSerializer.SerializeToUtf8Bytes(_sample with { Id = $"s{_created++}" }, AppJson.Default.Todo);

    [Benchmark, BenchmarkCategory("optimistic-create")]
    public int Create_Optimistic_EffectObserved()
    {
        _db.Todos.Create(_sample with { Id = $"c{_created++}" });
        return _seen;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("pull-page-1000")]
    public PullResponse PullPage_DeserializeOnly() => JsonSerializer.Deserialize(_pages[_page++ % 2], ProtocolJsonContext.Default.PullResponse)!;

    /// <summary>What the client's transport does with a page: read it as a stream into store writes.</summary>
    [Benchmark, BenchmarkCategory("pull-page-1000")]
    public PullPage PullPage_StreamRead() => ReadPage();

    /// <summary>The client's whole path for a page: read as a stream, then applied with rebase.</summary>
    [Benchmark, BenchmarkCategory("pull-page-1000")]
    public int PullPage_ApplyWithRebaseOver100Pending()
    {
        var page = ReadPage();
        _rebasing.Replica.ApplyCheckedServerChanges(page.Writes, 2, []);
        return page.Writes.Count;
    }

    private PullPage ReadPage()
    {
        using var body = new MemoryStream(_pages[_page++ % 2], writable: false);
        return PullPage.ReadAsync(body, long.MaxValue, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("snapshot-load-100k")]
    public int SnapshotLoad_DictionaryOnly()
    {
        // The least a load can do: index every entity once.
        var index = new Dictionary<string, ReadOnlyMemory<byte>>(SnapshotSize, StringComparer.Ordinal);
        foreach (var (id, json) in _snapshots[_snapshot++ % 2].Entities["todo"])
        {
            index[id] = json;
        }

        return index.Count;
    }

    /// <summary>Into an empty store, so Allocated / 100,000 is the store's own cost per entity (values are shared, not copied).</summary>
    [Benchmark, BenchmarkCategory("snapshot-load-100k")]
    public int SnapshotLoad_100000_Entities_IntoEmptyStore() => new LocalStore().Load(_snapshots[_snapshot++ % 2]);

    [Benchmark, BenchmarkCategory("snapshot-load-100k")]
    public int SnapshotLoad_100000_Entities_ReplacingAll() => _store.Load(_snapshots[_snapshot++ % 2]);

    private static byte[] Page(bool done)
    {
        var changes = Enumerable.Range(0, PageSize).Select(i => new Change
        {
            Cursor = (ulong)(i + 1),
            Scope = "_default",
            Time = DateTimeOffset.UnixEpoch,
            Data = JsonSerializer.SerializeToElement(new EntityChange
            {
                Entity = "todo",
                Id = $"t{i}",
                Op = EntityChange.Update,
                Value = JsonSerializer.SerializeToElement(new Todo($"t{i}", "start", done), AppJson.Default.Todo),
            }, ProtocolJsonContext.Default.EntityChange),
        }).ToList();
        return JsonSerializer.SerializeToUtf8Bytes(new PullResponse { Changes = changes, NextCursor = PageSize }, ProtocolJsonContext.Default.PullResponse);
    }

    private static StoreSnapshot Snapshot(int version)
    {
        var builder = new StoreSnapshot.Builder();
        for (var i = 0; i < SnapshotSize; i++)
        {
            builder.Add("todo", $"t{i}", JsonSerializer.SerializeToUtf8Bytes(new Todo($"t{i}", $"title {i}", (i + version) % 2 == 0), AppJson.Default.Todo));
        }

        return builder.Build();
    }
}
