using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ViewSync.Server.Tests.Support;

/// <summary>
/// Real JWT bearer authentication for the authorisation tests: a random signing key per test class,
/// tokens issued by <see cref="JsonWebTokenHandler"/>, read from the Authorization header or from the
/// <see cref="CookieName"/> cookie (never from the URL).
/// </summary>
internal sealed class TestTokens
{
    public const string Issuer = "viewsync-tests";
    public const string Audience = "viewsync";
    public const string CookieName = "viewsync_token";

    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(32));

    public void AddAuthentication(IServiceCollection services) =>
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Audience,
                IssuerSigningKey = _key,
                ClockSkew = TimeSpan.Zero,
            };
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    if (string.IsNullOrEmpty(context.Request.Headers.Authorization) && context.Request.Cookies.TryGetValue(CookieName, out var token))
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },
            };
        });

    /// <summary>A valid token for <paramref name="user"/> (claim <c>sub</c>).</summary>
    public string For(string user, TimeSpan? lifetime = null, string issuer = Issuer, string audience = Audience, SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", user)]),
            Issuer = issuer,
            Audience = audience,
            NotBefore = expires < now ? expires - TimeSpan.FromMinutes(5) : now,
            IssuedAt = expires < now ? expires - TimeSpan.FromMinutes(5) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(key ?? _key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token that expired a minute ago.</summary>
    public string Expired(string user) => For(user, TimeSpan.FromMinutes(-1));

    /// <summary>A well-formed token signed with another key.</summary>
    public string Forged(string user) => For(user, key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));
}
