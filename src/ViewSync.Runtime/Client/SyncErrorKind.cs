namespace ViewSync;

/// <summary>What kind of problem a <see cref="SyncError"/> reports.</summary>
public enum SyncErrorKind
{
    /// <summary>The server could not be reached, or did not answer in time. Retried with backoff.</summary>
    Network,

    /// <summary>The server failed or asked to slow down (<c>5xx</c>, <c>429</c>). Retried with backoff.</summary>
    Server,

    /// <summary>The server's answer did not follow the protocol. Retried with backoff; local state is untouched.</summary>
    MalformedResponse,

    /// <summary>The server refused the request itself (<c>4xx</c>), e.g. an unauthorised scope (<c>403</c>). Retried slowly.</summary>
    Refused,

    /// <summary>
    /// The server did not accept the caller's credentials (<c>401</c>), even after
    /// <see cref="SyncClientOptions.AccessTokenProvider"/> was asked once for a fresh token (or it failed).
    /// Pending mutations are kept; a later cycle asks the provider again, after a backoff that local writes
    /// do not shorten (<see cref="SyncClient.SyncAsync"/> tries at once, e.g. after the user signs in again).
    /// </summary>
    Unauthorized,

    /// <summary>The server rejected a mutation; it was rolled back and will not be retried.</summary>
    MutationRejected,

    /// <summary>Local persistence failed or found damaged data.</summary>
    Persistence,

    /// <summary>An unexpected failure inside the client.</summary>
    Internal,
}
