using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TodoSample.Server;

/// <summary>
/// The Todo sample's token issuer: HMAC-SHA256 JWTs for a user name (claim <c>sub</c>), signed with a
/// development key. A deployment takes tokens from a real identity provider instead, or at the least
/// supplies its own key from a secret store (configuration <c>Auth:SigningKey</c>), never this one.
/// </summary>
public sealed class DevelopmentTokens
{
    /// <summary>The issuer the tokens carry and the server requires.</summary>
    public const string Issuer = "viewsync-todo-sample";

    /// <summary>The audience the tokens carry and the server requires.</summary>
    public const string Audience = "viewsync-todo-sample";

    /// <summary>The name of the cookie the sign-in also sets, for the browser's live connection (a browser WebSocket cannot send headers).</summary>
    public const string CookieName = "todo_token";

    /// <summary>How long a token is valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly TimeProvider _time;

    /// <summary>Creates the issuer.</summary>
    /// <param name="configuredKey">A base64 key of at least 32 bytes (configuration <c>Auth:SigningKey</c>); null generates one for this run, so tokens do not survive a restart.</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <exception cref="InvalidOperationException">The configured key is not base64 or shorter than 32 bytes.</exception>
    public DevelopmentTokens(string? configuredKey, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        IsGenerated = string.IsNullOrEmpty(configuredKey);
        byte[] bytes;
        if (IsGenerated)
        {
            bytes = RandomNumberGenerator.GetBytes(32);
        }
        else
        {
            try
            {
                bytes = Convert.FromBase64String(configuredKey!);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("Auth:SigningKey must be base64, e.g. the output of `openssl rand -base64 32`.");
            }

            if (bytes.Length < 32)
            {
                throw new InvalidOperationException($"Auth:SigningKey must hold at least 32 bytes for HMAC-SHA256; it holds {bytes.Length}.");
            }
        }

        Key = new SymmetricSecurityKey(bytes);
    }

    /// <summary>The signing key, which also validates.</summary>
    public SymmetricSecurityKey Key { get; }

    /// <summary>Whether the key was generated for this run (no <c>Auth:SigningKey</c> configured).</summary>
    public bool IsGenerated { get; }

    /// <summary>Issues a token for <paramref name="user"/>.</summary>
    /// <param name="user">A valid user name (see <see cref="SignInRequest.IsValidUser"/>).</param>
    /// <returns>The token and when it expires.</returns>
    public (string Token, DateTimeOffset Expires) Issue(string user)
    {
        var now = _time.GetUtcNow();
        var expires = now + Lifetime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", user)]),
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
