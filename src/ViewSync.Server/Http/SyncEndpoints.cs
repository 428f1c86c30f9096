using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ViewSync.Mutations;
using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Server.Diagnostics;
using ViewSync.Server.Engine;

namespace ViewSync.Server.Http;

/// <summary>
/// The protocol's <c>/push</c>, <c>/pull</c> and <c>/snapshot</c> handlers: JSON only (<c>415</c>
/// otherwise), bounded and timed body reads, strict parsing, the scope decision, the documented
/// status codes and <c>{"code","error"}</c> bodies. A client's fault is a 4xx logged at Debug; only
/// the server's own failures are 500s logged at Error.
/// </summary>
internal static partial class SyncEndpoints
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;
    private static readonly TimeSpan MinimumGrace = TimeSpan.FromSeconds(1.5);

    public static async Task PushAsync(HttpContext context)
    {
        await HandleAsync(context, "push", RequestBody.PushLimit, async (body, engine, options, ct) =>
        {
            var mutations = RequestReader.ReadPush(body, DateTimeOffset.UtcNow);
            if (mutations.Count == 0)
            {
                return Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, "A push needs at least one mutation in \"mutations\".");
            }

            // Every scope in the batch must be the caller's, or nothing is applied.
            var allowed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var mutation in mutations)
            {
                if (!allowed.ContainsKey(mutation.Scope))
                {
                    var decision = await ScopeAccess.DecideAsync(options, context, mutation.Scope).ConfigureAwait(false);
                    if (decision.Scope is null)
                    {
                        return ScopeAccess.Refuse(context, decision.Refused!);
                    }

                    allowed[mutation.Scope] = decision.Scope;
                }
            }

            var scoped = mutations
                .Select(m => allowed[m.Scope] is var scope && scope == m.Scope
                    ? m
                    : new Mutation(m.Id, m.Name, scope, m.Client, m.Seq, m.Args, m.CreatedAt))
                .ToList();
            var results = await engine.PushAsync(scoped, ct).ConfigureAwait(false);
            context.RequestServices.GetService<ServerMetrics>()?.CountResults(results);
            if (Activity.Current is { } activity && activity.Source == ViewSyncServerDiagnostics.Source)
            {
                activity.SetTag(ViewSyncServerDiagnostics.MutationCountTag, results.Count);
                activity.SetTag(ViewSyncServerDiagnostics.RejectedCountTag, results.Count(r => !r.Ok));
            }

            return Ok(new PushResponse { Results = results }, Json.PushResponse);
        }).ConfigureAwait(false);
    }

    public static async Task PullAsync(HttpContext context)
    {
        await HandleAsync(context, "pull", RequestBody.QueryLimit, async (body, engine, options, ct) =>
        {
            var (requested, cursor, requestedLimit) = RequestReader.ReadPull(body);
            if (cursor > long.MaxValue)
            {
                // Storage keeps cursors as signed 64-bit integers: no log ever reaches 2^63.
                return Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, $"\"cursor\" {cursor} is beyond any log position (at most {long.MaxValue}).");
            }

            if (requestedLimit < 0)
            {
                return Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, $"\"limit\" cannot be negative (got {requestedLimit}); use 1 to {PullRequest.MaxLimit}, or 0 for {PullRequest.DefaultLimit}.");
            }

            var decision = await ScopeAccess.DecideAsync(options, context, requested).ConfigureAwait(false);
            if (decision.Scope is not { } scope)
            {
                return ScopeAccess.Refuse(context, decision.Refused!);
            }

            var limit = requestedLimit == 0 ? PullRequest.DefaultLimit : (int)Math.Min(requestedLimit, PullRequest.MaxLimit);
            Activity.Current?.SetTag(ViewSyncServerDiagnostics.CursorTag, cursor);
            Func<Stream, CancellationToken, Task> write;
            try
            {
                write = await engine.PreparePullAsync(scope, cursor, limit, ct).ConfigureAwait(false);
            }
            catch (CursorTooOldException e)
            {
                return Error(StatusCodes.Status410Gone, ErrorCodes.CursorTooOld, e.Message);
            }

            // Written from the stored values as they are: the page is never held as parsed JSON.
            return async response =>
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/json";
                try
                {
                    await write(response.Body, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // The client went away.
                }
                catch (Exception e) when (response.HasStarted)
                {
                    // Half an answer is out: cut the connection so the client sees a broken page, not a short one.
                    LogFailure(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SyncEndpoints).FullName!), e, context.Request.Path);
                    context.Abort();
                }
            };
        }).ConfigureAwait(false);
    }

    public static async Task SnapshotAsync(HttpContext context)
    {
        await HandleAsync(context, "snapshot", RequestBody.QueryLimit, async (body, engine, options, ct) =>
        {
            var decision = await ScopeAccess.DecideAsync(options, context, RequestReader.ReadSnapshot(body)).ConfigureAwait(false);
            if (decision.Scope is not { } scope)
            {
                return ScopeAccess.Refuse(context, decision.Refused!);
            }

            // Streamed from storage as it is read: a scope larger than memory is never one buffered answer.
            return async response =>
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/json";
                try
                {
                    var head = await engine.WriteSnapshotAsync(scope, response.Body, ct).ConfigureAwait(false);
                    context.RequestServices.GetService<ServerMetrics>()?.ObserveHead(head);
                    Activity.Current?.SetTag(ViewSyncServerDiagnostics.NextCursorTag, head);
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

    /// <summary>Any method but POST on a sync route.</summary>
    public static Task MethodNotAllowedAsync(HttpContext context)
    {
        context.Response.Headers.Allow = "POST";
        return Error(StatusCodes.Status405MethodNotAllowed, ErrorCodes.InvalidMutation, "The sync endpoints take POST only.")(context.Response);
    }

    private delegate Task<Func<HttpResponse, Task>> Handler(byte[] body, ISyncEngine engine, ViewSyncServerOptions options, CancellationToken cancellationToken);

    /// <summary>Wraps a request in its activity (<c>viewsync.{what}</c>) and times it, the answer written included.</summary>
    private static async Task HandleAsync(HttpContext context, string what, int limit, Handler handle)
    {
        var metrics = context.RequestServices.GetService<ServerMetrics>();
        using var activity = ViewSyncServerDiagnostics.Source.StartActivity("viewsync." + what);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await HandleCoreAsync(context, what, limit, handle).ConfigureAwait(false);
        }
        finally
        {
            var status = context.Response.StatusCode;
            if (metrics is not null)
            {
                var duration = what switch { "push" => metrics.PushDuration, "pull" => metrics.PullDuration, _ => metrics.SnapshotDuration };
                duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("http.response.status_code", status));
            }

            if (activity is not null)
            {
                activity.SetTag("http.response.status_code", status);
                if (status >= 500 || context.RequestAborted.IsCancellationRequested)
                {
                    activity.SetStatus(ActivityStatusCode.Error, context.RequestAborted.IsCancellationRequested ? "the client went away" : "the server failed");
                }
            }
        }
    }

    private static async Task HandleCoreAsync(HttpContext context, string what, int limit, Handler handle)
    {
        var services = context.RequestServices;
        var engine = services.GetRequiredService<ISyncEngine>();
        var options = services.GetRequiredService<IOptions<ViewSyncServerOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SyncEndpoints).FullName!);
        var aborted = context.RequestAborted;
        Func<HttpResponse, Task> respond;
        try
        {
            if (!context.Request.HasJsonContentType())
            {
                LogClientFault(logger, context.Request.Path, StatusCodes.Status415UnsupportedMediaType, "not application/json");
                respond = Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.InvalidMutation, $"The {what} body must be sent as Content-Type: application/json.");
            }
            else if (await ReadBodyAsync(context, what, limit, options, logger).ConfigureAwait(false) is not { } body)
            {
                return; // answered, or the client went away
            }
            else
            {
                respond = await handle(body, engine, options, aborted).ConfigureAwait(false);
            }
        }
        catch (RequestException e)
        {
            LogClientFault(logger, context.Request.Path, StatusCodes.Status400BadRequest, e.Message);
            respond = Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMutation, $"The {what} body is not valid: {e.Message}");
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return; // the client went away
        }
        catch (Exception e)
        {
            LogFailure(logger, e, context.Request.Path);
            respond = Error(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "The server failed to handle the request; retry later.");
        }

        await respond(context.Response).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the body within the size limit and <see cref="ViewSyncServerOptions.RequestBodyTimeout"/>.
    /// A body that is too large, cut short, too slow or aborted is answered here (400, 408, 413) or,
    /// when the connection is gone, not at all; either way the result is null.
    /// </summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, string what, int limit, ViewSyncServerOptions options, ILogger logger)
    {
        var aborted = context.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            // Kestrel times the body itself: a body that stalls past the grace period fails its read
            // with a 408, and the server stays in charge of the connection's state.
            // (Kestrel needs a grace period over its one-second heartbeat.)
            rate.MinDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: options.RequestBodyTimeout > MinimumGrace ? options.RequestBodyTimeout : MinimumGrace);
        }
        else
        {
            timeout.CancelAfter(options.RequestBodyTimeout);
        }

        int status;
        string reason;
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, limit, timeout.Token).ConfigureAwait(false);
            if (body is not null)
            {
                return body;
            }

            status = StatusCodes.Status400BadRequest;
            reason = $"The {what} body is larger than {limit} bytes{(what == "push" ? "; send fewer mutations per batch" : "")}.";
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            LogClientFault(logger, context.Request.Path, 0, "the client went away during the body");
            return null;
        }
        catch (OperationCanceledException)
        {
            status = StatusCodes.Status408RequestTimeout;
            reason = $"The {what} body did not arrive within {options.RequestBodyTimeout.TotalSeconds:0.#} s.";
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's verdicts on the body: cut short (400), too slow (408), over its own limit (413).
            status = e.StatusCode;
            reason = status switch
            {
                StatusCodes.Status408RequestTimeout => $"The {what} body arrived too slowly.",
                StatusCodes.Status413PayloadTooLarge => $"The {what} body is too large.",
                _ => $"The {what} body could not be read: it was cut short or malformed.",
            };
        }
        catch (IOException)
        {
            LogClientFault(logger, context.Request.Path, 0, "the connection broke during the body");
            return null;
        }

        LogClientFault(logger, context.Request.Path, status, reason);
        if (!context.Response.HasStarted && !aborted.IsCancellationRequested)
        {
            try
            {
                await Error(status, ErrorCodes.InvalidMutation, reason)(context.Response).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The connection is gone as well.
            }
        }

        return null;
    }

    private static Func<HttpResponse, Task> Ok<T>(T value, JsonTypeInfo<T> typeInfo) => Respond(StatusCodes.Status200OK, value, typeInfo);

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "ViewSync request {Path} refused ({Status}): {Reason}")]
    internal static partial void LogClientFault(ILogger logger, PathString path, int status, string reason);
}
