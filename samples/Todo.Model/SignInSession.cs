using System.Net;
using System.Net.Http.Json;
using ViewSync;

namespace TodoSample;

/// <summary>
/// A user signed in to the Todo sample server (<c>POST /auth/sign-in</c>), as an access token provider:
/// pass <see cref="GetAccessTokenAsync"/> to <see cref="SyncClientOptions.AccessTokenProvider"/>. The token is
/// kept until a minute before it expires; a forced refresh (after a <c>401</c>, say when the server restarted
/// with a new development key) signs in again.
/// </summary>
public sealed class SignInSession : IDisposable
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    /// <summary>Creates a session; nothing is sent until a token is first asked for.</summary>
    /// <param name="http">A client whose base address is the server's root (the sign-in is <c>auth/sign-in</c> under it).</param>
    /// <param name="user">The user name (see <see cref="SignInRequest.IsValidUser"/>).</param>
    /// <param name="time">The clock for expiry; the system's when null.</param>
    /// <exception cref="ArgumentException">The user name is not valid, or the client has no base address.</exception>
    public SignInSession(HttpClient http, string user, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the Todo server's root, e.g. http://127.0.0.1:5000/.", nameof(http));
        }

        if (!SignInRequest.IsValidUser(user))
        {
            throw new ArgumentException($"'{user}' is not a user name: use 1 to {SignInRequest.MaxUserLength} letters, digits, '-', '_' or '.'.", nameof(user));
        }

        _http = http;
        User = user;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The user name.</summary>
    public string User { get; }

    /// <summary>The scope this user syncs: <c>user:{name}</c>.</summary>
    public string Scope => $"user:{User}";

    /// <summary>The access token: the one held while it is valid, else (or when a refresh is forced) a new sign-in's.</summary>
    /// <param name="request">Whether the server refused the last token.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>The token.</returns>
    /// <exception cref="HttpRequestException">The server could not be reached or failed (5xx): the client treats it as being offline.</exception>
    /// <exception cref="InvalidOperationException">The server refused the sign-in.</exception>
    public async ValueTask<string?> GetAccessTokenAsync(AccessTokenRequest request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!request.ForceRefresh && _token is not null && _time.GetUtcNow() < _expires - Margin)
            {
                return _token;
            }

            _token = null;
            using var response = await _http.PostAsJsonAsync("auth/sign-in", new SignInRequest(User), SignInJson.Default.SignInRequest, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500)
            {
                throw new HttpRequestException($"Signing in as '{User}' failed: the server answered {(int)response.StatusCode}.", null, response.StatusCode);
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Signing in as '{User}' was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            }

            var answer = await response.Content.ReadFromJsonAsync(SignInJson.Default.SignInResponse, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Signing in as '{User}' answered no token.");
            _token = answer.AccessToken;
            _expires = _time.GetUtcNow() + TimeSpan.FromSeconds(answer.ExpiresIn);
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
