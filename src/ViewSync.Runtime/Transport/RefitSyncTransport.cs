using System.Net;
using System.Text.Json;
using Refit;
using ViewSync.Protocol;

namespace ViewSync.Transport;

/// <summary>
/// The HTTP transport: Refit in generated-only mode over a caller-supplied <see cref="HttpClient"/>
/// whose <see cref="HttpClient.BaseAddress"/> is the sync prefix (e.g. <c>http://127.0.0.1:5000/_sync/</c>).
/// JSON goes through <see cref="ProtocolJsonContext"/>: no reflection. Pull and snapshot answers are read as streams:
/// a pull page by <see cref="PullPage.ReadAsync"/>, each value copied once into the write the store keeps; a snapshot
/// entity by entity, so the size limit applies per entity, not to the snapshot.
/// With an access token provider every request carries <c>Authorization: Bearer {token}</c>; a <c>401</c> asks the
/// provider once for a fresh token and sends the request once more (see <see cref="SyncClientOptions.AccessTokenProvider"/>).
/// </summary>
public sealed class RefitSyncTransport : ISyncTransport
{
    /// <summary>The default answer size limit: room for a large snapshot, not for a runaway server.</summary>
    public const long DefaultMaxResponseBytes = 256L << 20;

    private readonly ISyncApi _api;
    private readonly HttpClient _http;
    private readonly long _maxResponseBytes;
    private readonly Func<AccessTokenRequest, CancellationToken, ValueTask<string?>>? _accessTokenProvider;

    /// <summary>Creates the transport, sending no credentials of its own (the client's handlers may add some).</summary>
    /// <param name="httpClient">The client; its base address must be the sync prefix. Timeouts and handlers are the caller's.</param>
    /// <param name="maxResponseBytes">Push answers, pull pages, and single entities of a snapshot larger than this are reported as malformed instead of read.</param>
    /// <exception cref="ArgumentException">The client has no base address.</exception>
    public RefitSyncTransport(HttpClient httpClient, long maxResponseBytes = DefaultMaxResponseBytes)
        : this(httpClient, null, maxResponseBytes)
    {
    }

    /// <summary>Creates the transport, sending the tokens of <paramref name="accessTokenProvider"/> as bearer tokens.</summary>
    /// <param name="httpClient">The client; its base address must be the sync prefix. Timeouts and handlers are the caller's.</param>
    /// <param name="accessTokenProvider">Supplies the access token of each request; asked again once, to refresh, on a <c>401</c>. Null sends none.</param>
    /// <param name="maxResponseBytes">Push and pull answers, and single entities of a snapshot, larger than this are reported as malformed instead of read.</param>
    /// <exception cref="ArgumentException">The client has no base address.</exception>
    public RefitSyncTransport(HttpClient httpClient, Func<AccessTokenRequest, CancellationToken, ValueTask<string?>>? accessTokenProvider, long maxResponseBytes = DefaultMaxResponseBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxResponseBytes);
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the sync prefix, e.g. http://127.0.0.1:5000/_sync/.", nameof(httpClient));
        }

        _http = httpClient;
        _maxResponseBytes = maxResponseBytes;
        _accessTokenProvider = accessTokenProvider;
        _api = RestService.ForGenerated<ISyncApi>(httpClient, new RefitSettings
        {
            ContentSerializer = new BoundedJsonContentSerializer(maxResponseBytes),
            // Errors reach the app (SyncError.Exception) and its logs: they must not carry the caller's token.
            ExceptionRedactor = e => e.RequestMessage?.Headers.Authorization = null,
        });
    }

    /// <inheritdoc />
    public Task<TransportResult<PushResponse>> PushAsync(PushRequest request, CancellationToken cancellationToken) =>
        WithTokenAsync((authorization, ct) => SendAsync(c => _api.PushAsync(request, authorization, c), ct), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The answer is read as a stream by <see cref="PullPage.ReadAsync"/>: each value is copied once, into the write the
    /// store keeps. An answer over the size limit (announced by <c>Content-Length</c>, or counted while reading) is
    /// malformed, as is one that is not a pull page.
    /// </remarks>
    public Task<TransportResult<PullPage>> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WithTokenAsync(
            (authorization, ct) => StreamAsync(
                "pull",
                () => System.Net.Http.Json.JsonContent.Create(request, ProtocolJsonContext.Default.PullRequest),
                authorization,
                (content, stream, c) => content.Headers.ContentLength > _maxResponseBytes
                    ? throw new ResponseTooLargeException(_maxResponseBytes)
                    : PullPage.ReadAsync(stream, _maxResponseBytes, c),
                ct),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<TransportResult<SnapshotSummary>> SnapshotAsync(SnapshotRequest request, ISnapshotSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sink);
        return WithTokenAsync(
            (authorization, ct) => StreamAsync(
                "snapshot",
                () => System.Net.Http.Json.JsonContent.Create(request, ProtocolJsonContext.Default.SnapshotRequest),
                authorization,
                (_, stream, c) => SnapshotStreamReader.ReadAsync(stream, sink, _maxResponseBytes, c),
                ct),
            cancellationToken);
    }

    /// <summary>
    /// Sends with the provider's token; on a <c>401</c> asks it once for a fresh one and sends once more. Without a
    /// provider, sends once with no <c>Authorization</c> header.
    /// </summary>
    private async Task<TransportResult<T>> WithTokenAsync<T>(Func<string?, CancellationToken, Task<TransportResult<T>>> send, CancellationToken cancellationToken)
        where T : class
    {
        if (_accessTokenProvider is null)
        {
            return await send(null, cancellationToken).ConfigureAwait(false);
        }

        var (authorization, failure) = await AuthorizationAsync<T>(forceRefresh: false, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var result = await send(authorization, cancellationToken).ConfigureAwait(false);
        if (result.Outcome != TransportOutcome.Unauthorized)
        {
            return result;
        }

        (authorization, failure) = await AuthorizationAsync<T>(forceRefresh: true, cancellationToken).ConfigureAwait(false);
        return failure ?? await send(authorization, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>Authorization</c> value for the provider's token (null for none), or why there is none.</summary>
    private async Task<(string? Authorization, TransportResult<T>? Failure)> AuthorizationAsync<T>(bool forceRefresh, CancellationToken cancellationToken)
        where T : class
    {
        string? token;
        try
        {
            token = await _accessTokenProvider!(new AccessTokenRequest(forceRefresh), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpRequestException e)
        {
            // The identity provider (often the same server) could not be reached: as offline as a failed request.
            return (null, new TransportResult<T> { Outcome = TransportOutcome.NetworkError, Exception = e });
        }
        catch (Exception e)
        {
            return (null, new TransportResult<T>
            {
                Outcome = TransportOutcome.Unauthorized,
                Exception = new InvalidOperationException($"The access token provider failed: {e.Message}", e),
            });
        }

        return (string.IsNullOrEmpty(token) ? null : "Bearer " + token, null);
    }

    /// <summary>Posts a request (a new body each time: a 401 sends it again) and reads a success answer as a stream; a failure is classified, never thrown (but the caller's cancellation).</summary>
    private async Task<TransportResult<T>> StreamAsync<T>(
        string path, Func<HttpContent> body, string? authorization, Func<HttpContent, Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = body() };
            if (authorization is not null)
            {
                message.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = await ReadBoundedAsync(response.Content, 64 * 1024, cancellationToken).ConfigureAwait(false);
                return Failure<T>(response.StatusCode, error, RetryAfter(response.Headers.RetryAfter), null);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var value = await read(response.Content, stream, cancellationToken).ConfigureAwait(false);
            return new TransportResult<T> { Outcome = TransportOutcome.Success, StatusCode = response.StatusCode, Value = value };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            return new TransportResult<T> { Outcome = TransportOutcome.Timeout, Exception = e };
        }
        catch (Exception e) when (e is JsonException or ResponseTooLargeException)
        {
            // Not the protocol's JSON (truncated, wrong types), or more than the answer may take.
            return new TransportResult<T> { Outcome = TransportOutcome.MalformedResponse, StatusCode = HttpStatusCode.OK, Exception = e };
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // Refused, reset, or cut off in the middle of the stream.
            return new TransportResult<T> { Outcome = TransportOutcome.NetworkError, Exception = e };
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[limit];
        var filled = 0;
        int read;
        while (filled < limit && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, filled);
    }

    private static async Task<TransportResult<T>> SendAsync<T>(Func<CancellationToken, Task<IApiResponse<T>>> send, CancellationToken cancellationToken)
        where T : class
    {
        IApiResponse<T> response;
        try
        {
            response = await send(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            return new TransportResult<T> { Outcome = TransportOutcome.Timeout, Exception = e };
        }
        catch (HttpRequestException e)
        {
            return new TransportResult<T> { Outcome = TransportOutcome.NetworkError, Exception = e };
        }
        catch (Exception e) when (e is JsonException or ApiException or IOException or InvalidOperationException)
        {
            // A body that cannot be read as the protocol's JSON (truncated, wrong types, cut off).
            return new TransportResult<T> { Outcome = TransportOutcome.MalformedResponse, Exception = e };
        }

        using (response)
        {
            return Classify(response);
        }
    }

    private static TransportResult<T> Classify<T>(IApiResponse<T> response)
        where T : class
    {
        // Refit reports a request that got no answer through Error rather than by throwing.
        if (!response.IsReceived || response.StatusCode is not { } status)
        {
            var cause = response.Error?.InnerException ?? (Exception?)response.Error;
            return new TransportResult<T>
            {
                Outcome = cause is OperationCanceledException or TimeoutException ? TransportOutcome.Timeout : TransportOutcome.NetworkError,
                Exception = cause,
            };
        }

        var retryAfter = RetryAfter(response);
        if (response.IsSuccessStatusCode)
        {
            return response.Error is null && response.Content is { } content
                ? new TransportResult<T> { Outcome = TransportOutcome.Success, StatusCode = status, Value = content }
                : new TransportResult<T>
                {
                    Outcome = TransportOutcome.MalformedResponse,
                    StatusCode = status,
                    Exception = response.Error?.InnerException ?? (Exception?)response.Error ?? new JsonException("The response body was empty."),
                };
        }

        return Failure<T>(status, (response.Error as ApiException)?.Content, retryAfter, response.Error);
    }

    /// <summary>A non-success answer, classified by its status, with the protocol's error body when it has one.</summary>
    private static TransportResult<T> Failure<T>(HttpStatusCode status, string? body, TimeSpan? retryAfter, Exception? exception)
        where T : class
    {
        var outcome = (int)status switch
        {
            410 => TransportOutcome.CursorTooOld,
            401 => TransportOutcome.Unauthorized,
            403 => TransportOutcome.Forbidden,
            429 => TransportOutcome.RateLimited,
            408 => TransportOutcome.Timeout,
            >= 500 => TransportOutcome.ServerError,
            _ => TransportOutcome.Refused,
        };
        return new TransportResult<T>
        {
            Outcome = outcome,
            StatusCode = status,
            Error = ParseError(body),
            RetryAfter = retryAfter,
            Exception = exception,
        };
    }

    private static ErrorResponse? ParseError(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, ProtocolJsonContext.Default.ErrorResponse);
        }
        catch (JsonException)
        {
            return new ErrorResponse { Code = "", Error = body.Length > 500 ? body[..500] : body };
        }
    }

    private static TimeSpan? RetryAfter<T>(IApiResponse<T> response) => RetryAfter(response.Headers?.RetryAfter);

    private static TimeSpan? RetryAfter(System.Net.Http.Headers.RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
