using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace TodoSample.Server;

/// <summary>The Todo sample's authentication: JWT bearer over <see cref="DevelopmentTokens"/>.</summary>
public static partial class DevelopmentAuthentication
{
    /// <summary>
    /// Registers <see cref="DevelopmentTokens"/> (key from configuration <c>Auth:SigningKey</c>, else generated for
    /// this run) and JWT bearer authentication that validates issuer, audience, lifetime and signature. The token
    /// comes from the <c>Authorization</c> header or, when there is none, from the <see cref="DevelopmentTokens.CookieName"/>
    /// cookie (the browser's live connection); never from the URL.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">Where <c>Auth:SigningKey</c> may be set. Production must supply its own key from a secret store.</param>
    /// <returns>The token issuer, to tell whether its key was generated.</returns>
    public static DevelopmentTokens AddDevelopmentAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var tokens = new DevelopmentTokens(configuration["Auth:SigningKey"]);
        services.AddSingleton(tokens);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = DevelopmentTokens.Issuer,
                ValidAudience = DevelopmentTokens.Audience,
                IssuerSigningKey = tokens.Key,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
            };
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    if (string.IsNullOrEmpty(context.Request.Headers.Authorization)
                        && context.Request.Cookies.TryGetValue(DevelopmentTokens.CookieName, out var token))
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },
            };
        });
        return tokens;
    }

    /// <summary>Warns that the signing key was generated for this run: a development setup.</summary>
    /// <param name="logger">Where to warn.</param>
    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing tokens with a development key generated for this run (tokens end with it); set Auth:SigningKey to keep one, and never use the demo sign-in in production.")]
    public static partial void LogGeneratedSigningKey(this ILogger logger);
}
