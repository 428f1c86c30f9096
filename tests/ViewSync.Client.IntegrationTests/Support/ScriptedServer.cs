using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 whose answers a test scripts: the way to make a server send
/// a 429, a truncated body or a wrong type without touching product code.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The sync prefix, e.g. <c>http://127.0.0.1:PORT/_sync/</c>.</summary>
    public Uri BaseAddress { get; }

    public static async Task<ScriptedServer> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler);
        return new ScriptedServer(app, new Uri(await app.StartOnLoopbackAsync(), "_sync/"));
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
