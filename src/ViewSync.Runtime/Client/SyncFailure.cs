using System.Net;
using ViewSync.Transport;

namespace ViewSync;

/// <summary>A failed request inside a sync cycle: ends the cycle, and tells the loop how long to wait.</summary>
internal sealed class SyncFailure : Exception
{
    public SyncFailure()
    {
    }

    public SyncFailure(string message)
        : base(message)
    {
    }

    public SyncFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SyncFailure(SyncError error, TimeSpan? retryAfter, bool transient)
        : base(error.Message, error.Exception)
    {
        Error = error;
        RetryAfter = retryAfter;
        IsTransient = transient;
    }

    public SyncError Error { get; } = new(SyncErrorKind.Internal, "sync failed");

    public TimeSpan? RetryAfter { get; }

    public bool IsTransient { get; }

    /// <summary>The request that failed (<c>push</c>, <c>pull</c>, <c>snapshot</c>: also its path under the sync prefix), when one did.</summary>
    public string? Request { get; init; }

    public static SyncFailure From<T>(string request, TransportResult<T> result)
        where T : class
    {
        var kind = result.Outcome switch
        {
            TransportOutcome.NetworkError or TransportOutcome.Timeout => SyncErrorKind.Network,
            TransportOutcome.ServerError or TransportOutcome.RateLimited => SyncErrorKind.Server,
            TransportOutcome.MalformedResponse => SyncErrorKind.MalformedResponse,
            TransportOutcome.Unauthorized => SyncErrorKind.Unauthorized,
            _ => SyncErrorKind.Refused,
        };
        var error = new SyncError(kind, $"{request}: {result.Describe()}", result.Exception, StatusCode: result.StatusCode, Code: result.Error?.Code);
        return new SyncFailure(error, result.RetryAfter, result.IsTransient) { Request = request };
    }

    public static SyncFailure Malformed(string request, string problem, HttpStatusCode? status = HttpStatusCode.OK) =>
        new(new SyncError(SyncErrorKind.MalformedResponse, $"{request}: the answer breaks the protocol: {problem}", StatusCode: status), null, transient: true);
}
