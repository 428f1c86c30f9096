using System.Net;
using ViewSync.Protocol;

namespace ViewSync.Transport;

/// <summary>The result of one request: the body on success, or what went wrong, with what the retry logic needs.</summary>
/// <typeparam name="T">The success body type.</typeparam>
public sealed record TransportResult<T>
    where T : class
{
    /// <summary>How the request ended.</summary>
    public required TransportOutcome Outcome { get; init; }

    /// <summary>The HTTP status, when the server answered.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>The body, for <see cref="TransportOutcome.Success"/>.</summary>
    public T? Value { get; init; }

    /// <summary>The server's error body (<c>{"code","error"}</c>), when it sent one.</summary>
    public ErrorResponse? Error { get; init; }

    /// <summary>The server's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The exception behind a network error, timeout or malformed response.</summary>
    public Exception? Exception { get; init; }

    /// <summary>Whether the request succeeded.</summary>
    public bool IsSuccess => Outcome == TransportOutcome.Success && Value is not null;

    /// <summary>Whether retrying the same request later can succeed (network, timeout, 5xx, 429, malformed answer).</summary>
    public bool IsTransient => Outcome is TransportOutcome.NetworkError or TransportOutcome.Timeout or TransportOutcome.ServerError
        or TransportOutcome.RateLimited or TransportOutcome.MalformedResponse;

    /// <summary>A one-line description for logs and error events.</summary>
    /// <returns>The description.</returns>
    public string Describe() => Outcome switch
    {
        TransportOutcome.Success => "ok",
        _ when Error is { } error => $"{Outcome} ({(int?)StatusCode}): {error.Code}: {error.Error}",
        _ when Exception is { } exception => $"{Outcome}: {exception.Message}",
        _ => $"{Outcome} ({(int?)StatusCode})",
    };
}
