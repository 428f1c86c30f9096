using System.Net;
using ViewSync.Mutations;

namespace ViewSync;

/// <summary>A problem the sync client met. The client keeps running; this is for logs and UI.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Message">What happened, for people.</param>
/// <param name="Exception">The exception behind it, if any.</param>
/// <param name="Mutation">The mutation concerned, if any.</param>
/// <param name="StatusCode">The HTTP status, if the server answered.</param>
/// <param name="Code">The protocol error code, if the server sent one.</param>
public sealed record SyncError(
    SyncErrorKind Kind,
    string Message,
    Exception? Exception = null,
    Mutation? Mutation = null,
    HttpStatusCode? StatusCode = null,
    string? Code = null);
