using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.LargeScope.Host;
using ViewSync.Mutations;
using ViewSync.Server.Engine;
using ViewSync.Server.Storage;
using ViewSync.Tests;
using Xunit.Abstractions;

namespace ViewSync.Client.IntegrationTests;

/// <summary>
/// A new client loads a scope of more than 200 MiB from the real server (SQLite, Kestrel on 127.0.0.1), once through a
/// snapshot and once through pulls from cursor 0, with the server and the client each in its own process
/// (ViewSync.LargeScope.Host) so that each process's peak resident memory can be measured on its own.
/// </summary>
/// <remarks>
/// <para><b>What is measured.</b> Each child reports its resident set after warming up on a small scope and a full
/// compacting garbage collection (the baseline; on Linux the kernel's peak, VmHWM, is reset there), and the peak
/// resident set since then once the load is done. The test process seeds the database through its own engine,
/// so seeding never counts against the server.</para>
/// <para><b>What "bounded" means.</b> The server holds nothing of the scope: its peak stays within
/// <see cref="Bound"/> of its baseline while it streams a 200 MiB snapshot or answers the pulls. The client's store
/// holds the confirmed state by design, so the scope's bytes are in client memory at the end; what must be bounded
/// is everything else, the transfer: no buffered answer, no list of the whole snapshot before applying it, no
/// second copy of the values (confirmed state and visible store share them). So the client's peak minus its
/// baseline minus the bytes its store holds stays within <see cref="Bound"/>: a second copy of the scope would be
/// 200 MiB over it.</para>
/// <para>The client's answer cap is 8 MiB, far below the snapshot, so the snapshot only loads because the cap applies
/// per entity; a pull page (at most 4 MiB of values plus one entity) fits under it. Both paths hold the same bound: a
/// pull page is read as a stream into the writes the store keeps (<see cref="ViewSync.Transport.PullPage"/>), so each
/// value is allocated once, as through a snapshot; a page held several times over (a buffered answer, a parsed
/// document, then the store's copy) took the transfer to 80 MiB and more.</para>
/// </remarks>
public sealed class LargeScopeMemoryTests(ITestOutputHelper output) : IDisposable
{
    private const int Entities = 820;
    private const int AverageBytes = 256 * 1024;          // bodies of 128–384 KiB: 820 of them are 205 MiB
    private const int WarmEntities = 40;
    private const int WarmAverageBytes = 128 * 1024;       // 5 MiB over two pull pages
    private const long MiB = 1024 * 1024;
    private const long Bound = 64 * MiB;

    private const long ClientMaxResponseBytes = 8 * MiB;
    /// <summary>
    /// The server's GC heap may never pass this: a server that held the scope (or half of it) would fail. Four concurrent
    /// pulls of 4 MiB pages each hold a page at least twice (read from storage, written) at once, so it is not tighter.
    /// </summary>
    private const long ServerHeapLimit = 96 * MiB;

    /// <summary>The client's GC heap may hold the scope (its store) and 80 MiB more, never a second copy.</summary>
    private const long ClientHeapLimit = 290 * MiB;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"viewsync-large-{Guid.NewGuid():N}");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public Task A_new_client_loads_a_200_MiB_scope_through_a_snapshot_with_bounded_memory_on_both_sides() => LoadAsync(throughPulls: false);

    [Fact]
    public Task A_new_client_loads_a_200_MiB_scope_through_pulls_from_cursor_0_with_bounded_memory_on_both_sides() => LoadAsync(throughPulls: true);

    private async Task LoadAsync(bool throughPulls)
    {
        var path = throughPulls ? "pulls from 0" : "snapshot";
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(_directory);
        var database = Path.Combine(_directory, "server.db");
        var host = SiblingBuild.Dll("tests/ViewSync.LargeScope.Host", "ViewSync.LargeScope.Host");

        await using var server = ChildProcess.Start(host, ["server", database], output, "server", StepTimeout, ServerHeapLimit);
        var baseUrl = (await server.ExpectAsync("ready")).Split(' ')[1];
        await using var client = ChildProcess.Start(host, ["client", baseUrl], output, "client", StepTimeout, ClientHeapLimit);

        // Clients that must start from cursor 0 take their (empty) snapshot before anything is written: a new
        // client's first cycle is a snapshot, which would otherwise bring the whole scope.
        await client.AskAsync($"open warm-pull {LargeWorkload.WarmScope} {Dir("warm-pull")} {ClientMaxResponseBytes}", "opened");
        Assert.Contains("cursor=0 ", await client.AskAsync("sync warm-pull", "synced"), StringComparison.Ordinal);
        if (throughPulls)
        {
            await client.AskAsync($"open large {LargeWorkload.LargeScope} {Dir("large")} {ClientMaxResponseBytes}", "opened");
            Assert.Contains("cursor=0 ", await client.AskAsync("sync large", "synced"), StringComparison.Ordinal);
        }

        var seeding = Stopwatch.StartNew();
        var seeded = await SeedAsync(database);
        seeding.Stop();
        Assert.True(seeded.Bytes >= 200 * MiB, $"the scope is only {seeded.Bytes} bytes");

        // Warm-up on the small scope: both paths run once in both processes (JIT, pools, connections) before the baseline.
        Assert.Contains($"count={WarmEntities} ", await client.AskAsync("sync warm-pull", "synced"), StringComparison.Ordinal);
        await client.AskAsync($"open warm-snapshot {LargeWorkload.WarmScope} {Dir("warm-snapshot")} {ClientMaxResponseBytes}", "opened");
        Assert.Contains($"count={WarmEntities} ", await client.AskAsync("sync warm-snapshot", "synced"), StringComparison.Ordinal);
        await client.AskAsync("close warm-pull", "closed");
        await client.AskAsync("close warm-snapshot", "closed");

        var serverBaseline = Values(await server.AskAsync("baseline", "baseline"));
        var clientBaseline = Values(await client.AskAsync("baseline", "baseline"));

        if (!throughPulls)
        {
            await client.AskAsync($"open large {LargeWorkload.LargeScope} {Dir("large")} {ClientMaxResponseBytes}", "opened");
        }

        var synced = Values(await client.AskAsync("sync large", "synced"));
        var serverPeak = Values(await server.AskAsync("peak", "peak"));
        var clientPeak = Values(await client.AskAsync("peak", "peak"));

        var state = Values(await client.AskAsync("state large", "state"));
        await client.AskAsync("check large 25", "checked");
        var clientAfter = Values(await client.AskAsync("baseline", "baseline")); // what stays after a full collection

        var serverGrowth = serverPeak["hwm"] - serverBaseline["rss"];
        var clientGrowth = clientPeak["hwm"] - clientBaseline["rss"];
        var transfer = clientGrowth - state["bytes"];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {seeded.Count} entities, {Mb(seeded.Bytes)} MiB of values (seeded in {seeding.Elapsed.TotalSeconds:F1} s); loaded in {synced["ms"] / 1000.0:F1} s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"server: baseline RSS {Mb(serverBaseline["rss"])} MiB, peak {Mb(serverPeak["hwm"])} MiB: +{Mb(serverGrowth)} MiB (GC heap committed at the end {Mb(serverPeak["committed"])} MiB)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"client: baseline RSS {Mb(clientBaseline["rss"])} MiB, peak {Mb(clientPeak["hwm"])} MiB: +{Mb(clientGrowth)} MiB = {Mb(state["bytes"])} MiB held in the store + {Mb(transfer)} MiB transfer overhead " +
            $"(RSS at the end {Mb(clientPeak["rss"])} MiB, GC heap {Mb(clientPeak["heap"])} MiB, {clientPeak["gen2"] - clientBaseline["gen2"]} gen2 collections; " +
            $"after a full collection RSS {Mb(clientAfter["rss"])} MiB, GC heap {Mb(clientAfter["heap"])} MiB)"));

        Assert.Equal(seeded.Count, state["count"]);
        Assert.Equal(seeded.Bytes, state["bytes"]);
        Assert.Equal(seeded.Digest, state.Digest);
        Assert.Equal((long)seeded.Head, state["cursor"]);
        Assert.True(serverGrowth < Bound, $"{path}: the server's peak grew {Mb(serverGrowth)} MiB over its baseline, more than {Mb(Bound)} MiB");
        Assert.True(transfer < Bound, $"{path}: the client's peak grew {Mb(clientGrowth)} MiB over its baseline, {Mb(transfer)} MiB more than the {Mb(state["bytes"])} MiB its store holds (at most {Mb(Bound)} MiB)");

        if (throughPulls)
        {
            await PullPagesAreBoundedAsync(server, new Uri(baseUrl), seeded);
        }

        await client.AskAsync("close large", "closed");
        output.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// The issue's case: four concurrent pulls from 0 with limit 1000 over the whole scope (one such pull used to take the
    /// server from 132 to 796 MiB). Every page holds at most <see cref="SyncEngineOptions.DefaultMaxPageBytes"/> of values
    /// plus one entity, the pages together are the scope, and the server's peak stays bounded.
    /// </summary>
    private async Task PullPagesAreBoundedAsync(ChildProcess server, Uri baseUrl, Seeded seeded)
    {
        const int Pullers = 4;
        var baseline = Values(await server.AskAsync("baseline", "baseline"));
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = StepTimeout };
        var pages = await Task.WhenAll(Enumerable.Range(0, Pullers).Select(_ => PullAllAsync(http)));
        var peak = Values(await server.AskAsync("peak", "peak"));

        var growth = peak["hwm"] - baseline["rss"];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Pullers} concurrent pulls from 0 (limit 1000): {pages[0].Count} pages each, the largest {Mb(pages.SelectMany(p => p).Max(p => p.Bytes))} MiB of values; " +
            $"server peak {Mb(peak["hwm"])} MiB, +{Mb(growth)} MiB over {Mb(baseline["rss"])} MiB"));
        foreach (var pagesOfOne in pages)
        {
            Assert.Equal(seeded.Count, pagesOfOne.Sum(p => p.Count));
            Assert.Equal(seeded.Bytes, pagesOfOne.Sum(p => p.Bytes));
            Assert.True(pagesOfOne.Count > 1, "the scope came in one page");
            Assert.All(pagesOfOne, p => Assert.True(p.Bytes - p.LastBytes <= SyncEngineOptions.DefaultMaxPageBytes,
                $"a page of {p.Count} changes holds {p.Bytes} bytes of values, more than {SyncEngineOptions.DefaultMaxPageBytes} plus its last entity ({p.LastBytes})"));
            Assert.All(pagesOfOne.SkipLast(1), p => Assert.True(p.HasMore));
            Assert.Equal(seeded.Head, pagesOfOne[^1].Next);
        }

        Assert.True(growth < Pullers * Bound / 2, $"four concurrent pulls from 0 took the server {Mb(growth)} MiB over its baseline, more than {Mb(Pullers * Bound / 2)} MiB");
    }

    private static async Task<List<Page>> PullAllAsync(HttpClient http)
    {
        var pages = new List<Page>();
        ulong cursor = 0;
        while (true)
        {
            using var content = new StringContent($$"""{"scope":"{{LargeWorkload.LargeScope}}","cursor":{{cursor}},"limit":1000}""", Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync("pull", content);
            Assert.Equal(200, (int)response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync();
            using var page = await JsonDocument.ParseAsync(body);
            var changes = page.RootElement.GetProperty("changes").EnumerateArray()
                .Select(c => (long)c.GetProperty("data").GetProperty("value").GetRawText().Length)
                .ToList();
            var hasMore = page.RootElement.TryGetProperty("has_more", out var more) && more.GetBoolean();
            cursor = page.RootElement.GetProperty("next_cursor").GetUInt64();
            pages.Add(new Page(changes.Count, changes.Sum(), changes.Count > 0 ? changes[^1] : 0, hasMore, cursor));
            if (!hasMore)
            {
                return pages;
            }
        }
    }

    /// <summary>Seeds both scopes through an engine over the same database (in this process), and reads back what the large scope holds.</summary>
    private static async Task<Seeded> SeedAsync(string database)
    {
        var storage = await SqliteSyncStorage.OpenAsync(database, new SqliteSyncStorageOptions { Synchronous = SqliteSynchronous.Normal });
        await using var engine = new SyncEngine(storage, new SyncEngineOptions { Mutators = LargeDb.Mutators });
        await PushAsync(engine, LargeWorkload.WarmScope, WarmEntities, WarmAverageBytes);
        await PushAsync(engine, LargeWorkload.LargeScope, Entities, AverageBytes);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var (count, bytes) = (0, 0L);
        var head = await storage.ReadStateAsync(LargeWorkload.LargeScope, (entity, id, json) =>
        {
            Assert.Equal("blob", entity);
            hash.AppendData(Encoding.UTF8.GetBytes(id));
            hash.AppendData([0]);
            hash.AppendData(json.Span);
            hash.AppendData([0]);
            (count, bytes) = (count + 1, bytes + json.Length);
            return ValueTask.CompletedTask;
        });
        return new Seeded(count, bytes, Convert.ToHexString(hash.GetHashAndReset()), head);
    }

    private static async Task PushAsync(SyncEngine engine, string scope, int count, int averageBytes)
    {
        for (var from = 0; from < count; from += 100)
        {
            var batch = Enumerable.Range(from, Math.Min(100, count - from)).Select(i =>
            {
                using var args = JsonDocument.Parse($$"""{"index":{{i}},"size":{{LargeWorkload.Size(i, averageBytes)}}}""");
                return new Mutation($"seed-{scope}-{i}", "blob.seed", scope, "seeder", (ulong)i + 1, args.RootElement.Clone(), DateTimeOffset.UtcNow);
            }).ToList();
            var results = await engine.PushAsync(batch);
            Assert.All(results, r => Assert.True(r.Ok, r.Error));
        }
    }

    private string Dir(string name) => Path.Combine(_directory, name);

    private static string Mb(long bytes) => (bytes / (double)MiB).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>The <c>key=value</c> fields of a child's answer; the digest stays text.</summary>
    private static Fields Values(string line) => new(line);

    private sealed class Fields : Dictionary<string, long>
    {
        public Fields(string line)
            : base(StringComparer.Ordinal)
        {
            foreach (var part in line.Split(' ').Where(p => p.Contains('=', StringComparison.Ordinal)))
            {
                var (key, value) = (part[..part.IndexOf('=', StringComparison.Ordinal)], part[(part.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                if (key == "digest")
                {
                    Digest = value;
                }
                else
                {
                    this[key] = long.Parse(value, CultureInfo.InvariantCulture);
                }
            }
        }

        public string? Digest { get; }
    }

    private sealed record Seeded(int Count, long Bytes, string Digest, ulong Head);

    private sealed record Page(int Count, long Bytes, long LastBytes, bool HasMore, ulong Next);
}
