using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Server.Engine;

namespace ViewSync.Server.Http;

/// <summary>
/// The protocol's <c>/push</c>, <c>/pull</c> and <c>/snapshot</c> handlers: bounded body reads,
/// source-generated JSON, the documented status codes and <c>{"code","error"}</c> bodies.
/// </summary>
internal static partial class SyncEndpoints
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;

    public static async Task PushAsync(HttpContext context)
    {
        await HandleAsync(context, async (engine, options, ct) =>
        {
            var (request, invalid) = await ReadAsync(context, "push", RequestBody.PushLimit, Json.PushRequest, ct).ConfigureAwait(false);
            if (invalid is not null)
            {
                return invalid;
            }

            if (request.Mutations is not { Count: > 0 } mutations)
            {
                return Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, "A push needs at least one mutation in \"mutations\".");
            }

            if (mutations.Count > PushRequest.MaxBatch)
            {
                return Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, $"A push holds at most {PushRequest.MaxBatch} mutations; this one has {mutations.Count}. Split the batch.");
            }

            // Every scope in the batch must be the caller's, or nothing is applied.
            var allowed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var scope in mutations.Select(m => Scopes.Normalize(m.Scope)).Distinct(StringComparer.Ordinal))
            {
                var granted = await options.AuthorizeScope(new ScopeAuthorizationContext(scope, context)).ConfigureAwait(false);
                if (granted is null)
                {
                    return Forbidden(scope);
                }

                allowed[scope] = Scopes.Normalize(granted);
            }

            var scoped = mutations
                .Select(m => allowed[Scopes.Normalize(m.Scope)] is var scope && scope == m.Scope
                    ? m
                    : new Mutation(m.Id, m.Name, scope, m.Client, m.Seq, m.Args, m.CreatedAt))
                .ToList();
            var results = await engine.PushAsync(scoped, ct).ConfigureAwait(false);
            return Ok(new PushResponse { Results = results }, Json.PushResponse);
        }).ConfigureAwait(false);
    }

    public static async Task PullAsync(HttpContext context)
    {
        await HandleAsync(context, async (engine, options, ct) =>
        {
            var (request, invalid) = await ReadAsync(context, "pull", RequestBody.QueryLimit, Json.PullRequest, ct).ConfigureAwait(false);
            if (invalid is not null)
            {
                return invalid;
            }

            if (request.Cursor > long.MaxValue)
            {
                // Storage keeps cursors as signed 64-bit integers: no log ever reaches 2^63.
                return Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, $"\"cursor\" {request.Cursor} is beyond any log position (at most {long.MaxValue}).");
            }

            if (request.Limit < 0)
            {
                return Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, $"\"limit\" cannot be negative (got {request.Limit}); use 1 to {PullRequest.MaxLimit}, or 0 for {PullRequest.DefaultLimit}.");
            }

            var scope = await AuthorizeAsync(options, context, request.Scope).ConfigureAwait(false);
            if (scope is null)
            {
                return Forbidden(Scopes.Normalize(request.Scope));
            }

            var limit = request.Limit == 0 ? PullRequest.DefaultLimit : Math.Min(request.Limit, PullRequest.MaxLimit);
            try
            {
                return Ok(await engine.PullAsync(scope, request.Cursor, limit, ct).ConfigureAwait(false), Json.PullResponse);
            }
            catch (CursorTooOldException e)
            {
                return Error(StatusCodes.Status410Gone, ErrorCodes.CursorTooOld, e.Message);
            }
        }).ConfigureAwait(false);
    }

    public static async Task SnapshotAsync(HttpContext context)
    {
        await HandleAsync(context, async (engine, options, ct) =>
        {
            var (request, invalid) = await ReadAsync(context, "snapshot", RequestBody.QueryLimit, Json.SnapshotRequest, ct).ConfigureAwait(false);
            if (invalid is not null)
            {
                return invalid;
            }

            var scope = await AuthorizeAsync(options, context, request.Scope).ConfigureAwait(false);
            if (scope is null)
            {
                return Forbidden(Scopes.Normalize(request.Scope));
            }

            // Streamed from storage as it is read: a scope larger than memory is never one buffered answer.
            return async response =>
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/json";
                try
                {
                    await engine.WriteSnapshotAsync(scope, response.Body, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // The client went away.
                }
                catch (Exception e) when (response.HasStarted)
                {
                    // Half an answer is out: cut the connection so the client sees a broken snapshot, not a short one.
                    LogFailure(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SyncEndpoints).FullName!), e, context.Request.Path);
                    context.Abort();
                }
            };
        }).ConfigureAwait(false);
    }

    /// <returns>The scope to use, or null when refused.</returns>
    internal static async ValueTask<string?> AuthorizeAsync(ViewSyncServerOptions options, HttpContext context, string? claimed)
    {
        var granted = await options.AuthorizeScope(new ScopeAuthorizationContext(Scopes.Normalize(claimed), context)).ConfigureAwait(false);
        return granted is null ? null : Scopes.Normalize(granted);
    }

    private static async Task HandleAsync(HttpContext context, Func<ISyncEngine, ViewSyncServerOptions, CancellationToken, Task<Func<HttpResponse, Task>>> handle)
    {
        var services = context.RequestServices;
        var engine = services.GetRequiredService<ISyncEngine>();
        var options = services.GetRequiredService<IOptions<ViewSyncServerOptions>>().Value;
        Func<HttpResponse, Task> respond;
        try
        {
            respond = await handle(engine, options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away
        }
        catch (Exception e)
        {
            LogFailure(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SyncEndpoints).FullName!), e, context.Request.Path);
            respond = Error(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "The server failed to handle the request; retry later.");
        }

        await respond(context.Response).ConfigureAwait(false);
    }

    /// <summary>Reads and parses a request body; on failure returns the <c>400 invalid_mutation</c> answer instead.</summary>
    private static async Task<(T Request, Func<HttpResponse, Task>? Invalid)> ReadAsync<T>(HttpContext context, string what, int limit, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        var body = await RequestBody.ReadAsync(context.Request, limit, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null!, Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, $"The {what} body is larger than {limit} bytes{(what == "push" ? "; send fewer mutations per batch" : "")}."));
        }

        return TryParse(body, typeInfo, out var request, out var problem)
            ? (request, null)
            : (null!, Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, $"The {what} body is not valid: {problem}"));
    }

    private static bool TryParse<T>(byte[] body, JsonTypeInfo<T> typeInfo, out T value, out string problem)
        where T : class
    {
        try
        {
            if (JsonSerializer.Deserialize(body, typeInfo) is { } parsed)
            {
                value = parsed;
                problem = "";
                return true;
            }

            problem = "the body is JSON null, not an object";
        }
        catch (JsonException e)
        {
            problem = e.Message;
        }

        value = null!;
        return false;
    }

    private static Func<HttpResponse, Task> Ok<T>(T value, JsonTypeInfo<T> typeInfo) => Respond(StatusCodes.Status200OK, value, typeInfo);

    private static Func<HttpResponse, Task> Forbidden(string scope) =>
        Error(StatusCodes.Status403Forbidden, "forbidden", $"Scope '{scope}' is not yours.");

    internal static Func<HttpResponse, Task> Error(int status, string code, string message) =>
        Respond(status, new ErrorResponse { Code = code, Error = message }, Json.ErrorResponse);

    private static Func<HttpResponse, Task> Respond<T>(int status, T value, JsonTypeInfo<T> typeInfo) => response =>
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(response.Body, value, typeInfo);
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "ViewSync request {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, PathString path);
}
