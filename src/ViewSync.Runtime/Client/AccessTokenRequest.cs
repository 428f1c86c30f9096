namespace ViewSync;

/// <summary>
/// What the client asks of <see cref="SyncClientOptions.AccessTokenProvider"/>: the access token to send
/// as <c>Authorization: Bearer</c> on the next request or live handshake.
/// </summary>
/// <param name="ForceRefresh">
/// True when the server has just answered <c>401</c> to the token the provider gave last: a cached token
/// must not be returned again; get a new one (refresh it, sign in again) or return null. False for an
/// ordinary request, where a cached, still valid token is the right answer.
/// </param>
public readonly record struct AccessTokenRequest(bool ForceRefresh);
