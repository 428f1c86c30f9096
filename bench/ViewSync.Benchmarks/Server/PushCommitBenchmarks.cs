using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Server;
using ViewSync.Server.Engine;
using ViewSync.Server.PostgreSql;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;
using ViewSync.Tests.PostgreSql;

namespace ViewSync.Benchmarks.Server;

/// <summary>
/// Server push throughput by storage and commit strategy: real servers on loopback (SQLite with
/// <c>synchronous=FULL</c>, or PostgreSQL with <c>fsync</c> on, one node or three on one database), 4 HTTP
/// connections pushing 400 creates per op, in pushes of <see cref="Batch"/> mutations, to their own scopes and
/// spread over the nodes. The baseline is the per-mutation-commit path (<c>GroupCommit = false</c>: one
/// transaction per mutation) on the same storage in the same run; <c>Ratio</c> is the group commit's time over it.
/// Mutations per second = 400 / Mean.
/// <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --filter '*PushCommit*'</c>
/// </summary>
[Config(typeof(Config))]
public class PushCommitBenchmarks
{
    private const int MutationsPerOp = 400;
    private const int Connections = 4;
    private static long s_round;
    private readonly List<WebApplication> _apps = [];
    private readonly List<string> _temp = [];
    private PostgresCluster? _cluster;
    private HttpClient[] _perMutation = [];
    private HttpClient[] _grouped = [];

    /// <summary>Storage and node count.</summary>
    [ParamsSource(nameof(Setups))]
    public string Setup { get; set; } = "sqlite";

    /// <summary>Mutations per push request.</summary>
    [Params(1, 100)]
    public int Batch { get; set; }

    public static IEnumerable<string> Setups => ["sqlite", "postgres-1-node", "postgres-3-nodes"];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var nodes = Setup == "postgres-3-nodes" ? 3 : 1;
        if (Setup.StartsWith("postgres", StringComparison.Ordinal))
        {
            _cluster = await PostgresCluster.StartAsync(durable: true);
        }

        _perMutation = await StartNodesAsync(nodes, groupCommit: false);
        _grouped = await StartNodesAsync(nodes, groupCommit: true);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var http in _perMutation.Concat(_grouped))
        {
            http.Dispose();
        }

        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        foreach (var directory in _temp.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }

        _temp.Clear();
        _apps.Clear();
    }

    /// <summary>The per-mutation commit: one storage transaction (and one disk flush) per mutation.</summary>
    [Benchmark(Baseline = true)]
    public Task PerMutationCommit() => PushAsync(_perMutation);

    /// <summary>Group commit: one transaction per push, a savepoint per mutation.</summary>
    [Benchmark]
    public Task GroupCommit() => PushAsync(_grouped);

    private async Task PushAsync(HttpClient[] nodes)
    {
        var round = Interlocked.Increment(ref s_round);
        var pushes = MutationsPerOp / Batch / Connections;
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(c => Task.Run(async () =>
        {
            // Connection c talks to node c % nodes, in a scope of its own.
            var http = nodes[c % nodes.Length];
            for (var p = 0; p < pushes; p++)
            {
                var body = new StringBuilder("""{"mutations":[""");
                for (var m = 0; m < Batch; m++)
                {
                    var id = $"{round}-{c}-{p}-{m}";
                    body.Append(m == 0 ? "" : ",").Append($$$$"""{"id":"{{{{id}}}}","name":"todo.create","scope":"user:{{{{c}}}}","args":{"id":"t{{{{id}}}}","data":{"id":"t{{{{id}}}}","title":"benchmark","done":false}}}""");
                }

                using var content = new StringContent(body.Append("]}").ToString(), Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("push", content);
                var answer = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || answer.Contains("\"ok\":false", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"A benchmark push was not applied ({(int)response.StatusCode}: {answer}); the figure would be meaningless.");
                }
            }
        })));
    }

    private async Task<HttpClient[]> StartNodesAsync(int nodes, bool groupCommit)
    {
        var schema = $"bench_{(groupCommit ? "grouped" : "single")}";
        var sqlite = Path.Combine(Path.GetTempPath(), $"viewsync-bench-{Guid.NewGuid():N}");
        _temp.Add(sqlite);
        var clients = new HttpClient[nodes];
        for (var n = 0; n < nodes; n++)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            ISyncStorage storage = _cluster is null
                ? await SqliteSyncStorage.OpenAsync(Path.Combine(sqlite, "sync.db"), new SqliteSyncStorageOptions { Synchronous = SqliteSynchronous.Full })
                : await PostgreSqlSyncStorage.OpenAsync(_cluster.ConnectionString, new PostgreSqlSyncStorageOptions { Schema = schema });
            // Registered before AddViewSyncServer, which then keeps it: the engine with the commit strategy measured.
            builder.Services.AddSingleton<ISyncEngine>(new SyncEngine(storage, new SyncEngineOptions { Mutators = TodoDb.Mutators, GroupCommit = groupCommit }));
            builder.Services.AddViewSyncServer(o =>
            {
                o.Mutators = TodoDb.Mutators;
                o.AllowAnyScopeForDevelopment();
            });
            var app = builder.Build();
            app.MapViewSync("/_sync");
            _apps.Add(app);
            var root = await app.StartOnLoopbackAsync();
            clients[n] = new HttpClient { BaseAddress = new Uri(root, "_sync/") };
        }

        return clients;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // One op pushes 400 mutations (seconds on the slow rows): few, single-invocation iterations. In process:
            // the servers run in the benchmark process anyway, and a separate build per case would only add minutes.
            AddJob(Job.Default.WithWarmupCount(40).WithIterationCount(7).WithInvocationCount(1).WithUnrollFactor(1)
                .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance).WithId("push"));
            HideColumns(BenchmarkDotNet.Columns.Column.Error, BenchmarkDotNet.Columns.Column.Median);
        }
    }
}
