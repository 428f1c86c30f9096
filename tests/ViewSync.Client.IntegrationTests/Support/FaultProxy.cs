using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// A real HTTP proxy on 127.0.0.1 between a client and the real server. By default it forwards; a
/// test queues faults per endpoint (an error status, a malformed body, a dropped answer after the
/// server applied the request) and reads the request log. Product code is untouched.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _faults = new();
    private readonly ConcurrentDictionary<string, (Func<string, bool> When, Fault Fault)> _rules = new();

    private FaultProxy(WebApplication app, HttpClient upstream, Uri root)
    {
        _app = app;
        _upstream = upstream;
        Root = root;
    }

    /// <summary>The proxy's root; clients use <c>{Root}_sync/</c>.</summary>
    public Uri Root { get; }

    public Uri BaseUrl => new(Root, "_sync/");

    /// <summary>Every request that reached the proxy: endpoint and time.</summary>
    public ConcurrentQueue<(string Endpoint, DateTimeOffset Time)> Requests { get; } = new();

    public int Count(string endpoint) => Requests.Count(r => r.Endpoint == endpoint);

    public static async Task<FaultProxy> StartAsync(Uri upstreamRoot)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new HttpClient { BaseAddress = upstreamRoot };
        FaultProxy? proxy = null;
        app.Run(context => proxy!.HandleAsync(context));
        proxy = new FaultProxy(app, upstream, await app.StartOnLoopbackAsync());
        return proxy;
    }

    /// <summary>Queues a fault for the next request to <paramref name="endpoint"/> (push, pull or snapshot).</summary>
    public void Inject(string endpoint, Fault fault) => _faults.GetOrAdd(endpoint, _ => new()).Enqueue(fault);

    /// <summary>From now on, answers every request to <paramref name="endpoint"/> whose body matches <paramref name="when"/> with <paramref name="fault"/>.</summary>
    public void AnswerWhile(string endpoint, Func<string, bool> when, Fault fault) => _rules[endpoint] = (when, fault);

    /// <summary>Stops the rule set by <see cref="AnswerWhile"/>.</summary>
    public void StopAnswering(string endpoint) => _rules.TryRemove(endpoint, out _);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var endpoint = context.Request.Path.Value!.Split('/')[^1];
        Requests.Enqueue((endpoint, DateTimeOffset.UtcNow));
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var fault = _faults.TryGetValue(endpoint, out var queue) && queue.TryDequeue(out var next) ? next : null;
        if (fault is null && _rules.TryGetValue(endpoint, out var rule) && rule.When(body))
        {
            fault = rule.Fault;
        }

        if (fault is { Forward: false })
        {
            context.Response.StatusCode = fault.Status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in fault.Headers)
            {
                context.Response.Headers[name] = value;
            }

            await context.Response.WriteAsync(fault.Body);
            return;
        }

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _upstream.PostAsync(context.Request.Path.Value!.TrimStart('/'), content);
        var answer = await response.Content.ReadAsStringAsync();
        if (fault is { DropAnswer: true })
        {
            context.Abort(); // the server applied it; the client never hears
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer);
    }
}

/// <summary>What the proxy does to one request.</summary>
internal sealed record Fault(bool Forward, int Status, string Body, bool DropAnswer)
{
    public Dictionary<string, string> Headers { get; init; } = [];

    public static Fault Answer(int status, string body) => new(false, status, body, false);

    public static Fault DropAnswerAfterForwarding() => new(true, 0, "", true);
}
