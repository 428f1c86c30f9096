namespace ViewSync.Transport;

/// <summary>How a request to the server ended, as the sync loop needs to tell it.</summary>
public enum TransportOutcome
{
    /// <summary><c>200</c> with a well-formed body.</summary>
    Success,

    /// <summary>No answer: the connection failed, was reset or refused.</summary>
    NetworkError,

    /// <summary>No answer in time.</summary>
    Timeout,

    /// <summary><c>5xx</c>: a transient server failure; retry with backoff.</summary>
    ServerError,

    /// <summary><c>429</c>: slow down; retry after <see cref="TransportResult{T}.RetryAfter"/> or with backoff.</summary>
    RateLimited,

    /// <summary><c>410</c> <c>cursor_too_old</c>: the client must take a snapshot.</summary>
    CursorTooOld,

    /// <summary>
    /// <c>401</c>: no credentials, or the server did not accept them (after one fresh token from the access
    /// token provider, when there is one); also a provider that failed other than by a network error.
    /// </summary>
    Unauthorized,

    /// <summary><c>403</c>: the scope is not the caller's.</summary>
    Forbidden,

    /// <summary>Another <c>4xx</c>: the request was refused; retrying the same request will not help.</summary>
    Refused,

    /// <summary>A <c>200</c> whose body is not what the protocol says (truncated, wrong types, too large).</summary>
    MalformedResponse,
}
