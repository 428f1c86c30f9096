using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Benchmarks.Journal;
using ViewSync.Persistence;
using ViewSync.Protocol;
using ViewSync.Server;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;
using ViewSync.Store;

namespace ViewSync.Benchmarks;

/// <summary>
/// Hydrating a fresh client from a real server over loopback HTTP: the first <c>SyncAsync</c> of a new
/// <see cref="SyncClient"/> takes the snapshot of a scope of 100,000 todos, streams it into the replica and makes
/// it visible. Rows per second = 100,000 / mean. The baseline of the same run reads the same snapshot body over
/// the same HTTP connection and throws it away: the transport's floor.
/// </summary>
/// <remarks>
/// The same class runs unchanged on the commit before the write path work, which gives the "today" rows:
/// see bench/README.md, "Snapshot hydrate (issue 15)".
/// </remarks>
[Config(typeof(BenchConfig))]
[CategoriesColumn]
public class HydrateBenchmarks
{
    private const int Entities = 100_000;
    private WebApplication _app = null!;
    private Uri _root = null!;
    private HttpClient _http = null!;
    private HttpClient _syncHttp = null!;
    private readonly List<string> _directories = [];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _syncHttp.Dispose();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _directories.ForEach(JournalData.DeleteDirectory);
    }

    /// <summary>The snapshot body read over loopback and discarded.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("hydrate-100k")]
    public async Task<long> Snapshot_BareHttpRead()
    {
        using var response = await _http.PostAsync("_sync/snapshot", new StringContent("""{"scope":"_default"}""", System.Text.Encoding.UTF8, "application/json"));
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>Where the time goes, 1: the client's transport streaming the snapshot into a sink that only counts.</summary>
    [Benchmark, BenchmarkCategory("hydrate-100k")]
    public async Task<long> Snapshot_TransportParseOnly()
    {
        var sink = new CountingSink();
        var result = await new Transport.RefitSyncTransport(_syncHttp).SnapshotAsync(new SnapshotRequest { Scope = Scopes.Default }, sink, CancellationToken.None);
        return result.Value!.Entities + sink.Count;
    }

    /// <summary>Where the time goes, 2: the same into a replica's snapshot load, completed (confirmed state, visible store), no sync loop.</summary>
    [Benchmark, BenchmarkCategory("hydrate-100k")]
    public async Task<int> Snapshot_IntoReplica()
    {
        var replica = new Replica(TodoDb.Mutators);
        using var load = replica.BeginSnapshot();
        var result = await new Transport.RefitSyncTransport(_syncHttp).SnapshotAsync(new SnapshotRequest { Scope = Scopes.Default }, load, CancellationToken.None);
        load.Complete(result.Value!.Cursor, []);
        return replica.Store.Count("todo");
    }

    /// <summary>A new client without persistence: first sync until its store holds every todo.</summary>
    [Benchmark, BenchmarkCategory("hydrate-100k")]
    public Task<int> Hydrate_InMemory() => HydrateAsync(persistence: null);

    /// <summary>The same with <see cref="FilePersistence"/> in a fresh temporary directory (the snapshot is journalled as it streams).</summary>
    [Benchmark, BenchmarkCategory("hydrate-100k")]
    public Task<int> Hydrate_FilePersistence()
    {
        _directories.Add(JournalData.NewDirectory("hydrate"));
        return HydrateAsync(new FilePersistence(_directories[^1]));
    }

    private async Task<int> HydrateAsync(IPersistence? persistence)
    {
        await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = new Uri(_root, "_sync/"),
            PullInterval = TimeSpan.FromMinutes(10),
            Persistence = persistence,
        });
        if (persistence is not null)
        {
            await client.StartAsync();
        }

        await client.SyncAsync();
        var db = new TodoDb(client);
        var count = db.Todos.Count();
        if (count != Entities)
        {
            throw new InvalidOperationException($"Hydrated {count} todos, expected {Entities}: the measurement would be meaningless.");
        }

        return count;
    }

    private sealed class CountingSink : Transport.ISnapshotSink
    {
        public long Count { get; private set; }

        public void Add(string entity, string id, ReadOnlyMemory<byte> json) => Count += json.Length > 0 ? 1 : 0;
    }

    private async Task SetupAsync()
    {
        var storage = new InMemorySyncStorage();
        for (var first = 0; first < Entities; first += 1_000)
        {
            var writes = Enumerable.Range(first, Math.Min(1_000, Entities - first))
                .Select(i => new EntityWrite("todo", $"t{i}", JournalData.Todo(i, 0)))
                .ToList();
            await storage.ApplyOnceAsync(Scopes.Default, $"seed-{first}", _ => MutationOutcome.Applied(writes), DateTimeOffset.UtcNow);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddViewSyncServer(o =>
        {
            o.AllowAnyScopeForDevelopment();
            o.Mutators = TodoDb.Mutators;
            o.StorageFactory = _ => storage;
        });
        _app = builder.Build();
        _app.MapViewSync("/_sync");
        _root = await _app.StartOnLoopbackAsync();
        _http = new HttpClient { BaseAddress = _root };
        _syncHttp = new HttpClient { BaseAddress = new Uri(_root, "_sync/") };
    }
}
