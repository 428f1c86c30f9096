using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Server;

namespace ViewSync.Benchmarks;

/// <summary>
/// Live convergence latency on loopback: client A renames a todo, client B's effect sees it (push,
/// live notification, pull, rebase). Reported as percentiles over many round trips, next to the
/// bare HTTP round trip measured in the same run. <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --live-latency</c>
/// </summary>
internal static class LiveLatency
{
    public static async Task RunAsync(int rounds = 500)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddViewSyncServer(o => o.AllowAnyScopeForDevelopment().Mutators = TodoDb.Mutators);
        await using var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapViewSync("/_sync");
        app.MapViewSyncLive("/_live");
        await app.StartAsync();
        var root = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

        SyncClient Client() => new(TodoDb.Mutators, new SyncClientOptions { BaseUrl = new Uri(root, "_sync/"), Live = new LiveOptions(), PullInterval = TimeSpan.FromSeconds(30) });
        await using var a = Client();
        await using var b = Client();
        await a.StartAsync();
        await b.StartAsync();
        var dbA = new TodoDb(a);
        var dbB = new TodoDb(b);
        dbA.TodoItems.Create(new TodoItem("t", "0", false));
        await WaitAsync(() => dbB.TodoItems.Get("t").Get()?.Title == "0");

        using var http = new HttpClient { BaseAddress = new Uri(root, "_sync/") };
        var bare = new List<double>();
        var live = new List<double>();
        for (var i = 1; i <= rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var response = await http.PostAsync("snapshot", new StringContent("""{"scope":"_default"}""", System.Text.Encoding.UTF8, "application/json")))
            {
                await response.Content.ReadAsByteArrayAsync();
            }

            bare.Add(clock.Elapsed.TotalMilliseconds);

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var title = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var effect = new Effect(() => { if (dbB.TodoItems.Get("t").Get()?.Title == title) { seen.TrySetResult(); } });
            clock.Restart();
            dbA.Mutate.Rename("t", title);
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            live.Add(clock.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"Live convergence A -> B on loopback, {rounds} rounds:");
        Console.WriteLine("| measure | p50 (ms) | p99 (ms) |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| bare HTTP round trip (/snapshot), baseline | {Percentile(bare, 50):F2} | {Percentile(bare, 99):F2} |");
        Console.WriteLine($"| A mutates → B's effect sees it | {Percentile(live, 50):F2} | {Percentile(live, 99):F2} |");
        Console.WriteLine($"| ratio | {Percentile(live, 50) / Percentile(bare, 50):F1} | {Percentile(live, 99) / Percentile(bare, 99):F1} |");
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(percentile / 100 * sorted.Count) - 1)];
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }
}
