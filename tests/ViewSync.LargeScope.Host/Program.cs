using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ViewSync;
using ViewSync.LargeScope.Host;
using ViewSync.Persistence;
using ViewSync.Server;
using ViewSync.Server.Storage;

// The large-scope test's child processes. Each answers one line per command read from standard input:
//   server <database>        the real ViewSync server (SQLite, synchronous=NORMAL) on 127.0.0.1, a free port;
//                            prints "ready <sync base url>" once listening.
//   client <sync base url>   real SyncClients (FilePersistence, AutomaticSync off: the test says when to sync).
// Commands of both:
//   baseline                 full blocking compacting GC, then resets the peak RSS (Linux: clear_refs 5) → "baseline rss=… heap=… committed=…"
//   peak                     the peak RSS since the baseline → "peak hwm=… rss=… heap=… committed=… gen2=…"
//   exit
// Commands of the client:
//   open <name> <scope> <directory> <max response bytes>   a new SyncClient, started → "opened <name>"
//   sync <name>              one sync cycle (a snapshot first for a new client) → "synced <name> cursor=… count=… ms=…"
//   state <name>             the visible store's blobs → "state <name> count=… bytes=… cursor=… digest=…"
//   check <name> <n>         deserializes n blobs spread over the store and compares them with LargeWorkload.Make → "checked <name> <n>"
//   close <name>             disposes the client → "closed <name>"
// A failed command answers "error <message>" and the child goes on.
var output = Console.Out;
using var sampler = new PeakSampler();
return args[0] switch
{
    "server" => await ServerAsync(args[1]),
    "client" => await ClientAsync(new Uri(args[1])),
    _ => 2,
};

async Task<int> ServerAsync(string database)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Error);
    builder.Services.AddViewSyncServer(options =>
    {
        options.Mutators = LargeDb.Mutators;
        options.UseSqlite(database, SqliteSynchronous.Normal);
        options.AllowAnyScopeForDevelopment();
    });
    await using var app = builder.Build();
    app.MapViewSync("/_sync");
    app.Urls.Add("http://127.0.0.1:0");
    await app.StartAsync();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    output.WriteLine($"ready {address.TrimEnd('/')}/_sync/");
    await CommandsAsync(_ => Task.FromResult<string?>(null));
    await app.StopAsync();
    return 0;
}

async Task<int> ClientAsync(Uri baseUrl)
{
    var clients = new Dictionary<string, SyncClient>(StringComparer.Ordinal);
    await CommandsAsync(async parts =>
    {
        switch (parts)
        {
            case ["open", var name, var scope, var directory, var maxResponseBytes]:
            {
                var client = new SyncClient(LargeDb.Mutators, new SyncClientOptions
                {
                    BaseUrl = baseUrl,
                    Scope = scope,
                    Persistence = new FilePersistence(directory),
                    AutomaticSync = false,
                    MaxResponseBytes = long.Parse(maxResponseBytes, CultureInfo.InvariantCulture),
                    HttpClient = new HttpClient { Timeout = TimeSpan.FromMinutes(5) },
                });
                await client.StartAsync();
                clients.Add(name, client);
                return $"opened {name}";
            }

            case ["sync", var name]:
            {
                var clock = Stopwatch.StartNew();
                await clients[name].SyncAsync();
                return $"synced {name} cursor={clients[name].Cursor} count={clients[name].Store.Count("blob")} ms={clock.ElapsedMilliseconds}";
            }

            case ["state", var name]:
            {
                // Sorted by id (ordinal, as SQLite's BINARY order of these ASCII ids): the digest the test computes from storage.
                var client = clients[name];
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var bytes = 0L;
                var entries = client.Store.Entries("blob").OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
                foreach (var entry in entries)
                {
                    hash.AppendData(Encoding.UTF8.GetBytes(entry.Id));
                    hash.AppendData([0]);
                    hash.AppendData(entry.Json.Span);
                    hash.AppendData([0]);
                    bytes += entry.Json.Length;
                }

                return $"state {name} count={entries.Count} bytes={bytes} cursor={client.Cursor} digest={Convert.ToHexString(hash.GetHashAndReset())}";
            }

            case ["check", var name, var samples]:
            {
                var entries = clients[name].Store.Entries("blob").OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
                var n = int.Parse(samples, CultureInfo.InvariantCulture);
                for (var k = 0; k < n && entries.Count > 0; k++)
                {
                    var entry = entries[(int)((long)k * (entries.Count - 1) / Math.Max(1, n - 1))];
                    var blob = JsonSerializer.Deserialize(entry.Json.Span, LargeJson.Default.Blob)!;
                    var expected = LargeWorkload.Make(blob.Index, blob.Body.Length);
                    if (blob.Id != entry.Id || blob != expected)
                    {
                        return $"error blob {entry.Id} is not what was seeded (index {blob.Index}, {blob.Body.Length} characters)";
                    }
                }

                return $"checked {name} {n}";
            }

            case ["close", var name]:
                await clients[name].DisposeAsync();
                clients.Remove(name);
                return $"closed {name}";

            default:
                return null;
        }
    });
    foreach (var client in clients.Values)
    {
        await client.DisposeAsync();
    }

    return 0;
}

async Task CommandsAsync(Func<string[], Task<string?>> handle)
{
    while (Console.In.ReadLine() is { } line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string answer;
        try
        {
            answer = parts switch
            {
                ["exit"] => "",
                ["baseline"] => sampler.Baseline(),
                ["peak"] => sampler.Peak(),
                _ => await handle(parts) ?? $"error unknown command '{line}'",
            };
        }
        catch (Exception e)
        {
            answer = $"error {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }

        if (answer.Length == 0)
        {
            return;
        }

        output.WriteLine(answer);
        output.Flush();
    }
}

/// <summary>
/// The process's peak resident set since the last baseline. On Linux the kernel keeps it exactly (VmHWM, reset by
/// writing 5 to clear_refs); elsewhere a thread samples the working set every few milliseconds.
/// </summary>
internal sealed class PeakSampler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private long _sampledPeak;

    public PeakSampler()
    {
        if (!OperatingSystem.IsLinux())
        {
            new Thread(() =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var now = Environment.WorkingSet;
                    if (now > Interlocked.Read(ref _sampledPeak))
                    {
                        Interlocked.Exchange(ref _sampledPeak, now);
                    }

                    _stop.Token.WaitHandle.WaitOne(2);
                }
            }) { IsBackground = true }.Start();
        }
    }

    public string Baseline()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        if (OperatingSystem.IsLinux())
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        else
        {
            Interlocked.Exchange(ref _sampledPeak, Environment.WorkingSet);
        }

        var info = GC.GetGCMemoryInfo();
        return string.Create(CultureInfo.InvariantCulture, $"baseline rss={Rss()} heap={GC.GetTotalMemory(false)} committed={info.TotalCommittedBytes} gen2={GC.CollectionCount(2)} alloc={GC.GetTotalAllocatedBytes(false)}");
    }

    public string Peak()
    {
        var peak = OperatingSystem.IsLinux() ? Status("VmHWM") : Math.Max(Interlocked.Read(ref _sampledPeak), Environment.WorkingSet);
        var info = GC.GetGCMemoryInfo();
        return string.Create(CultureInfo.InvariantCulture,
            $"peak hwm={peak} rss={Rss()} heap={GC.GetTotalMemory(false)} committed={info.TotalCommittedBytes} gen2={GC.CollectionCount(2)} alloc={GC.GetTotalAllocatedBytes(false)}");
    }

    public void Dispose() => _stop.Cancel();

    private static long Rss() => OperatingSystem.IsLinux() ? Status("VmRSS") : Environment.WorkingSet;

    /// <summary>A "kB" field of /proc/self/status, in bytes.</summary>
    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var value = line[(field.Length + 1)..].Trim();
                return long.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/self/status has no {field}.");
    }
}
