using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Server;
using ViewSync.Server.Engine;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// The ViewSync server on real Kestrel with real JWT bearer authentication (<see cref="TestTokens"/>): each caller
/// owns <c>user:{sub}</c>. Every request it receives is recorded, with its Authorization header and status, so tests
/// can check what a client really sent.
/// </summary>
internal sealed class AuthenticatedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SeenRequest> _requests = new();

    private AuthenticatedServer(WebApplication app, TestTokens tokens)
    {
        _app = app;
        Tokens = tokens;
    }

    public TestTokens Tokens { get; }

    public Uri Root { get; private set; } = null!;

    public ISyncEngine Engine => _app.Services.GetRequiredService<ISyncEngine>();

    public IReadOnlyList<SeenRequest> Requests => [.. _requests];

    public static async Task<AuthenticatedServer> StartAsync()
    {
        var tokens = new TestTokens();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        tokens.AddAuthentication(builder.Services);
        builder.Services.AddViewSyncServer(o =>
        {
            o.Mutators = TodoDb.Mutators;
            o.ResolveScopeFromClaim("sub");
        });
        var app = builder.Build();
        var server = new AuthenticatedServer(app, tokens);
        app.Use(server.RecordAsync);
        app.UseAuthentication(); // after the recorder, so that it sees the 401s too
        app.UseAuthorization();
        app.MapViewSync("/_sync");
        app.MapViewSyncLive("/_live");
        server.Root = await app.StartOnLoopbackAsync();
        return server;
    }

    /// <summary>The 401s answered on the sync routes (push, pull, snapshot).</summary>
    public int SyncUnauthorized => Requests.Count(r => !r.IsLive && r.Status == StatusCodes.Status401Unauthorized);

    /// <summary>The 401s answered on live handshakes.</summary>
    public int LiveUnauthorized => Requests.Count(r => r.IsLive && r.Status == StatusCodes.Status401Unauthorized);

    public async Task<bool> HasTodoAsync(string scope, string id)
    {
        var snapshot = await Engine.SnapshotAsync(scope);
        return snapshot.Data.TryGetValue("todo", out var todos) && todos.ContainsKey(id);
    }

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var seen = new SeenRequest(context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", authorization.Length == 0 ? null : authorization);
        context.Response.OnStarting(() =>
        {
            seen.Status = context.Response.StatusCode;
            return Task.CompletedTask;
        });
        _requests.Enqueue(seen);
        try
        {
            await next(context);
        }
        finally
        {
            seen.AbortedByClient = context.RequestAborted.IsCancellationRequested;
            if (seen.Status == 0)
            {
                seen.Status = context.Response.StatusCode;
            }

            seen.IsDone = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
