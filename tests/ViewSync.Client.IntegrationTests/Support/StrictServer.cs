using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Mutators;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// A sync server written from PROTOCOL.md the way the Go <c>sync</c> engine's HTTP transport and
/// <c>live</c> server behave, on real Kestrel at 127.0.0.1 — the client's second, stricter peer:
/// <list type="bullet">
/// <item>request bodies decoded strictly: an unknown field (even <c>client</c> or <c>seq</c>) is a <c>400 invalid_mutation</c>;</item>
/// <item>a push holds 1 to 100 mutations in at most 1 MiB; pull and snapshot bodies at most 64 KiB;</item>
/// <item>answers omit empty fields: no <c>cursor</c> 0, no <c>code</c> on a rejection, <c>changes: null</c>
/// and no <c>has_more</c> or <c>next_cursor</c> on an empty page;</item>
/// <item>a replayed (scope, id) is <c>ok</c> with the scope's current cursor; a conflict is
/// <c>{"ok":false,"error":"sync: conflict"}</c>;</item>
/// <item>a forbidden scope is a <c>403</c> with code <c>internal_error</c>;</item>
/// <item>live: after the client's <c>subscribe</c>, <c>{"topic":"sync:{scope}","data":"{\"cursor\":N}"}</c> (data a JSON string by default).</item>
/// </list>
/// Mutations run through the Todo sample's mutators against <see cref="StrictStore"/>.
/// </summary>
internal sealed class StrictServer : ISyncTestServer
{
    /// <summary>The scope this server refuses (403), standing for "not the caller's".</summary>
    public const string ForbiddenScope = "forbidden";

    private const int MaxBatch = 100;
    private const int PushLimit = 1 << 20;
    private const int QueryLimit = 64 << 10;
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _refusals = new();

    private StrictServer(WebApplication app, StrictStore store)
    {
        _app = app;
        Store = store;
    }

    public ServerKind Kind => ServerKind.Strict;

    public Uri Root { get; private set; } = null!;

    public StrictStore Store { get; }

    /// <summary>Whether live notifications carry their data as a JSON string (as some Go servers do) rather than an object.</summary>
    public bool LiveDataAsString { get; set; } = true;

    /// <summary>Every request refused for breaking the protocol: path, status and error.</summary>
    public IReadOnlyCollection<string> Refusals => _refusals;

    public static async Task<StrictServer> StartAsync(MutatorTable? mutators = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new StrictServer(app, new StrictStore(mutators ?? TodoDb.Mutators, TimeProvider.System));
        app.UseWebSockets();
        app.MapPost("/_sync/push", server.PushAsync);
        app.MapPost("/_sync/pull", server.PullAsync);
        app.MapPost("/_sync/snapshot", server.SnapshotAsync);
        app.Map("/_live", context => StrictLive.HandleAsync(context, server, app.Lifetime.ApplicationStopping));
        server.Root = await app.StartOnLoopbackAsync();
        return server;
    }

    public Task<IReadOnlyDictionary<string, string>> EntitiesAsync(string scope, string entity)
    {
        var (data, _) = Store.Snapshot(scope);
        IReadOnlyDictionary<string, string> values = data.TryGetValue(entity, out var ids)
            ? ids.ToDictionary(i => i.Key, i => Encoding.UTF8.GetString(i.Value), StringComparer.Ordinal)
            : new Dictionary<string, string>();
        return Task.FromResult(values);
    }

    public Task<ulong> SnapshotCursorAsync(string scope) => Task.FromResult(Store.Snapshot(scope).Cursor);

    public void AssertNothingRefused() => Assert.Empty(_refusals);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task PushAsync(HttpContext context)
    {
        await HandleAsync(context, PushLimit, body =>
        {
            var mutations = StrictRequests.ReadPush(body);
            if (mutations.Count is 0 or > MaxBatch)
            {
                throw new StrictRequestException($"sync: a batch holds 1 to {MaxBatch} mutations, not {mutations.Count}");
            }

            if (mutations.Any(m => m.Scope == ForbiddenScope))
            {
                return Forbidden();
            }

            var outcomes = mutations.Select(m => Store.Apply(m.Scope, m.Id, m.Name, m.Args)).ToList();
            return (StatusCodes.Status200OK, StrictResponses.Push(outcomes));
        });
    }

    private async Task PullAsync(HttpContext context)
    {
        await HandleAsync(context, QueryLimit, body =>
        {
            var (scope, cursor, limit) = StrictRequests.ReadPull(body);
            if (limit < 0)
            {
                throw new StrictRequestException("sync: negative limit");
            }

            if (scope == ForbiddenScope)
            {
                return Forbidden();
            }

            var (changes, hasMore) = Store.Read(scope, cursor, limit == 0 ? DefaultLimit : Math.Min(limit, MaxLimit));
            return (StatusCodes.Status200OK, StrictResponses.Pull(changes, hasMore));
        });
    }

    private async Task SnapshotAsync(HttpContext context)
    {
        await HandleAsync(context, QueryLimit, body =>
        {
            var scope = StrictRequests.ReadSnapshot(body);
            if (scope == ForbiddenScope)
            {
                return Forbidden();
            }

            var (data, cursor) = Store.Snapshot(scope);
            return (StatusCodes.Status200OK, StrictResponses.Snapshot(data, cursor));
        });
    }

    /// <summary>The Go server maps its scope function's refusal to <c>internal_error</c>; only the status says "forbidden".</summary>
    private static (int, byte[]) Forbidden() => (StatusCodes.Status403Forbidden, StrictResponses.Error("internal_error", "sync: scope not allowed"));

    private async Task HandleAsync(HttpContext context, int limit, Func<byte[], (int Status, byte[] Body)> handle)
    {
        int status;
        byte[] answer;
        var body = await ReadBodyAsync(context.Request, limit);
        try
        {
            (status, answer) = body is null
                ? throw new StrictRequestException($"http: request body too large (limit {limit} bytes)")
                : handle(body);
        }
        catch (StrictRequestException e)
        {
            (status, answer) = (StatusCodes.Status400BadRequest, StrictResponses.Error("invalid_mutation", e.Message));
            _refusals.Enqueue($"{context.Request.Path}: 400 {e.Message}");
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    /// <returns>The body, or null when it is longer than <paramref name="limit"/>.</returns>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 << 10];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
