using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Server.Engine;
using ViewSync.Server.Http;

namespace ViewSync.Server.Tests.Support;

/// <summary>The ViewSync server on real Kestrel, 127.0.0.1, a free port.</summary>
internal sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServerHost(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
        Http = new HttpClient { BaseAddress = new Uri(root, "_sync/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Root { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public ISyncEngine Engine => _app.Services.GetRequiredService<ISyncEngine>();

    public Uri LiveUri(string scope) => new($"ws://{Root.Authority}/_live?scope={Uri.EscapeDataString(scope)}");

    /// <summary>
    /// Starts the server. Unless <paramref name="configure"/> sets a scope resolver, it runs with the
    /// development switch (any scope, no credentials): these tests are about the protocol, and the
    /// authorisation suite sets its own resolver and authentication.
    /// </summary>
    public static async Task<ServerHost> StartAsync(Action<ViewSyncServerOptions>? configure = null, Action<IServiceCollection>? services = null, int port = 0, ViewSync.Mutators.MutatorTable? mutators = null, Action<ILoggingBuilder>? logging = null, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        services?.Invoke(builder.Services);
        builder.Services.AddViewSyncServer(options =>
        {
            options.Mutators = mutators ?? TodoDb.Mutators;
            configure?.Invoke(options);
            if (options.ScopeResolver is null)
            {
                options.AllowAnyScopeForDevelopment();
            }
        });
        var app = builder.Build();
        app.MapViewSync("/_sync");
        app.MapViewSyncLive("/_live");
        map?.Invoke(app);
        return new ServerHost(app, await app.StartOnLoopbackAsync(port));
    }

    public async Task<(int Status, string Body)> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(int Status, string Body)> PostAsync(string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
