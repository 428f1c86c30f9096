using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TodoSample;
using ViewSync.Server;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Benchmarks;

/// <summary>
/// The ViewSync server on loopback for <see cref="PushThroughput"/>, in memory, either with the development switch
/// (authentication off) or with JWT bearer authentication and a scope resolver (every request's token validated:
/// signature, issuer, audience, lifetime; callers own <c>user:{sub}</c>).
/// </summary>
internal sealed class ThroughputServer : IAsyncDisposable
{
    private const string Issuer = "viewsync-bench";
    private const string Audience = "viewsync-bench";
    private readonly WebApplication _app;
    private readonly SymmetricSecurityKey? _key;

    private ThroughputServer(WebApplication app, SymmetricSecurityKey? key, Uri root)
    {
        _app = app;
        _key = key;
        Root = root;
    }

    public Uri Root { get; }

    public bool Authenticated => _key is not null;

    public static async Task<ThroughputServer> StartAsync(bool authenticated)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var key = authenticated ? new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) : null;
        if (key is not null)
        {
            builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = Issuer,
                    ValidAudience = Audience,
                    IssuerSigningKey = key,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        }

        builder.Services.AddViewSyncServer(o =>
        {
            o.Mutators = TodoDb.Mutators;
            o.StorageFactory = static _ => new InMemorySyncStorage();
            if (key is not null)
            {
                o.ResolveScopeFromClaim("sub");
            }
            else
            {
                o.AllowAnyScopeForDevelopment();
            }
        });
        var app = builder.Build();
        app.MapViewSync("/_sync");
        var root = await app.StartOnLoopbackAsync();
        return new ThroughputServer(app, key, root);
    }

    /// <summary>A token for <paramref name="user"/> (who owns <c>user:{user}</c>), or null when authentication is off.</summary>
    public string? TokenFor(string user) => _key is null ? null : new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", user)]),
        Issuer = Issuer,
        Audience = Audience,
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
