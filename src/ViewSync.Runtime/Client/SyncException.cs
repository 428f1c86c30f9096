using System.Net;

namespace ViewSync;

/// <summary>
/// Thrown by <see cref="SyncClient.SyncAsync"/> when a sync cycle fails. <see cref="Kind"/> says what kind of
/// problem it was, so the app can react without parsing messages: <see cref="SyncErrorKind.Network"/> (offline,
/// retry later), <see cref="SyncErrorKind.Unauthorized"/> (sign in again), <see cref="SyncErrorKind.Refused"/>
/// (a <c>4xx</c>, e.g. a scope the user may not read, or a wrong <see cref="SyncClientOptions.BaseUrl"/>),
/// <see cref="SyncErrorKind.Server"/>, <see cref="SyncErrorKind.MalformedResponse"/> or
/// <see cref="SyncErrorKind.Persistence"/>. <see cref="Exception.InnerException"/> is the exception behind it, if any
/// (an <see cref="HttpRequestException"/> for a network error, a <see cref="System.Text.Json.JsonException"/> for a body
/// that is not the protocol's JSON).
/// </summary>
public sealed class SyncException : Exception
{
    /// <summary>Creates an exception of kind <see cref="SyncErrorKind.Internal"/>.</summary>
    public SyncException()
        : this("The sync cycle failed.")
    {
    }

    /// <summary>Creates an exception of kind <see cref="SyncErrorKind.Internal"/>.</summary>
    /// <param name="message">What happened.</param>
    public SyncException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception of kind <see cref="SyncErrorKind.Internal"/>.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The exception behind it.</param>
    public SyncException(string message, Exception? innerException)
        : this(new SyncError(SyncErrorKind.Internal, message, innerException))
    {
    }

    /// <summary>Creates an exception that reports <paramref name="error"/>.</summary>
    /// <param name="error">The problem, as the client's <see cref="SyncClient.LastError"/> reports it.</param>
    public SyncException(SyncError error)
        : base(error?.Message, error?.Exception)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The problem, as <see cref="SyncClient.LastError"/> and <see cref="SyncClient.Error"/> report it.</summary>
    public SyncError Error { get; }

    /// <summary>What kind of problem ended the cycle.</summary>
    public SyncErrorKind Kind => Error.Kind;

    /// <summary>The HTTP status, if the server answered.</summary>
    public HttpStatusCode? StatusCode => Error.StatusCode;

    /// <summary>The protocol's error code (e.g. <c>forbidden</c>), if the server sent one.</summary>
    public string? Code => Error.Code;
}
