using System.Net;
using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Server;
using ViewSync.Server.Live;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Benchmarks.Server;

/// <summary>
/// Push throughput of the real server on loopback (in-memory storage, one-mutation pushes over HTTP from 4
/// connections) with no live subscribers (the baseline) and with 10,000 idle subscribers on other scopes.
/// The goal (issue 14) is a difference under 5%: a log advance must cost the same whoever follows other scopes.
/// </summary>
/// <remarks>
/// The idle subscribers are real <see cref="LiveSession"/>s on real <see cref="WebSocket"/>s, subscribed in the
/// server's own hub, over an in-process byte stream rather than loopback TCP: 10,000 loopback connections need
/// 20,000 descriptors in one process, and this machine's hard limit is 20,000 (<c>ulimit -Hn</c>). The hub sees
/// exactly what it sees with sockets; idle subscribers never send or receive a byte either way.
/// <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --filter '*LiveFanOut*'</c>
/// </remarks>
[Config(typeof(BenchConfig))]
public class LiveFanOutBenchmarks
{
    internal const int PushesPerInvoke = 400;
    private const int Connections = 4;
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private readonly List<(LiveSession Session, Stream Stream, Task Sender)> _idle = [];
    private int _round;

    [GlobalSetup(Target = nameof(NoSubscribers))]
    public Task SetupNoneAsync() => SetupAsync(0);

    [GlobalSetup(Target = nameof(TenThousandIdleSubscribers))]
    public Task SetupTenThousandAsync() => SetupAsync(10_000);

    private async Task SetupAsync(int idle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddViewSyncServer(o =>
        {
            o.Mutators = TodoDb.Mutators;
            o.UseInMemory();
            o.AllowAnyScopeForDevelopment();
        });
        _app = builder.Build();
        _app.MapViewSync("/_sync");
        _app.MapViewSyncLive("/_live");
        var root = await _app.StartOnLoopbackAsync();
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections }) { BaseAddress = new Uri(root, "_sync/") };

        var hub = _app.Services.GetRequiredService<LiveHub>();
        for (var i = 0; i < idle; i++)
        {
            var stream = new IdleStream();
            var socket = WebSocket.CreateFromStream(stream, isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
            var session = new LiveSession(socket, $"idle:{i}", capacity: 64);
            hub.Add(session);
            hub.Subscribe(session);
            _idle.Add((session, stream, session.SendLoopAsync()));
        }

        if (hub.SubscribedScopeCount != idle)
        {
            throw new InvalidOperationException($"Expected {idle} subscribed scopes, found {hub.SubscribedScopeCount}; the figure would be meaningless.");
        }

        await PushAsync("warm-up"); // connections open, JIT done
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PushesPerInvoke, Description = "push, 0 live subscribers")]
    public Task NoSubscribers() => PushAsync($"r{_round++}");

    [Benchmark(OperationsPerInvoke = PushesPerInvoke, Description = "push, 10,000 idle subscribers on other scopes")]
    public Task TenThousandIdleSubscribers() => PushAsync($"r{_round++}");

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var (session, stream, sender) in _idle)
        {
            session.Stop();
            await stream.DisposeAsync();
            await sender;
            session.Dispose();
        }

        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary><see cref="PushesPerInvoke"/> one-mutation pushes to one scope, from <see cref="Connections"/> connections.</summary>
    private async Task PushAsync(string round)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < PushesPerInvoke; i = Interlocked.Increment(ref next))
            {
                using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(
                    $$$$"""{"mutations":[{"id":"{{{{round}}}}-{{{{i}}}}","name":"todo.create","scope":"user:bench","args":{"id":"{{{{round}}}}-{{{{i}}}}","data":{"id":"{{{{round}}}}-{{{{i}}}}","title":"benchmark","done":false}}}]}"""));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await _http.PostAsync("push", content);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"A benchmark push answered {(int)response.StatusCode}; the figure would be meaningless.");
                }
            }
        })));
    }
}
