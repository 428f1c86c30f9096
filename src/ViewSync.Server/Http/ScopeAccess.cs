using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ViewSync.Protocol;

namespace ViewSync.Server.Http;

/// <summary>
/// Deny by default: the start-up check that an authorisation decision was made, and the per-request
/// scope decision (serve a scope, <c>401</c> for an anonymous caller, <c>403</c> for someone else's scope).
/// </summary>
internal static partial class ScopeAccess
{
    internal const string NoDecision =
        "ViewSync: the sync endpoints were mapped without an authorisation decision, so nobody could be told which scopes are theirs. " +
        "Choose one in AddViewSyncServer(options => ...): " +
        "(1) options.ResolveScope(context => ...) decides, for each authenticated caller (context.User), which scope a request may use " +
        "(return the requested scope, another one such as \"me\" -> \"user:42\", or null to refuse), and " +
        "options.ResolveScopeFromClaim(\"sub\") is the common case (the claim's value -> \"user:{value}\"); " +
        "add ASP.NET Core authentication as well (e.g. AddAuthentication().AddJwtBearer(...)). " +
        "(2) options.AllowAnyScopeForDevelopment() lets anyone read and write every scope without credentials: " +
        "for tests and local demos only; a warning is logged at every start.";

    internal const string BothChosen =
        "ViewSync: both a scope resolver and AllowAnyScopeForDevelopment() are set; choose one " +
        "(a resolver for a real deployment, the development switch only for tests and local demos).";

    internal const string NoAuthentication =
        "ViewSync: a scope resolver is set, so the sync endpoints require an authenticated caller, but no authentication is configured. " +
        "Add one, e.g. builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(...), " +
        "with a default (challenge) scheme, so that a request without credentials is answered 401.";

    /// <summary>Fails start-up unless exactly one decision was made; warns when it is the development switch.</summary>
    /// <returns>Whether the endpoints must require an authenticated caller.</returns>
    public static bool EnsureDecided(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ViewSyncServerOptions>>().Value;
        if (options.ScopeResolver is not null && options.AllowAnyScope)
        {
            throw new InvalidOperationException(BothChosen);
        }

        if (options.AllowAnyScope)
        {
            services.GetRequiredService<DevelopmentWarning>().Log();
            return false;
        }

        if (options.ScopeResolver is null)
        {
            throw new InvalidOperationException(NoDecision);
        }

        if (!HasChallengeScheme(services))
        {
            throw new InvalidOperationException(NoAuthentication);
        }

        return true;
    }

    private static bool HasChallengeScheme(IServiceProvider services)
    {
        if (services.GetService<IAuthenticationSchemeProvider>() is not { } schemes)
        {
            return false;
        }

        var policy = services.GetService<IOptions<AuthorizationOptions>>()?.Value.DefaultPolicy;
        return policy is { AuthenticationSchemes.Count: > 0 }
            // The scheme provider answers synchronously; this runs once, at start-up.
            || schemes.GetDefaultChallengeSchemeAsync().GetAwaiter().GetResult() is not null;
    }

    /// <summary>The scope to serve for a request's claim to <paramref name="claimed"/>.</summary>
    public static async ValueTask<Decision> DecideAsync(ViewSyncServerOptions options, HttpContext context, string? claimed)
    {
        var scope = Scopes.Normalize(claimed);
        if (options.AllowAnyScope)
        {
            return new Decision(scope, null);
        }

        if (options.ScopeResolver is not { } resolver)
        {
            // Start-up refuses this; a host that skipped the check is still denied.
            return new Decision(null, scope);
        }

        var granted = await resolver(new ScopeAuthorizationContext(scope, context)).ConfigureAwait(false);
        return granted is null ? new Decision(null, scope) : new Decision(Scopes.Normalize(granted), null);
    }

    /// <summary>The answer to a refused scope: <c>401</c> (a challenge) for an anonymous caller, else <c>403</c>.</summary>
    public static Func<HttpResponse, Task> Refuse(HttpContext context, string scope) =>
        context.User.Identity?.IsAuthenticated == true
            ? SyncEndpoints.Error(StatusCodes.Status403Forbidden, "forbidden", $"Scope '{Shorten(scope)}' is not yours.")
            : response => response.HttpContext.ChallengeAsync();

    /// <summary>Keeps echoed values short in error messages.</summary>
    internal static string Shorten(string value) => value.Length <= 100 ? value : string.Concat(value.AsSpan(0, 100), "…");

    /// <summary>A scope decision: the scope to serve, or the refused scope.</summary>
    internal readonly record struct Decision(string? Scope, string? Refused);

    /// <summary>Logs the development switch's warning once per start of the app.</summary>
    internal sealed partial class DevelopmentWarning(ILogger<DevelopmentWarning> logger)
    {
        private int _logged;

        public void Log()
        {
            if (Interlocked.Exchange(ref _logged, 1) == 0)
            {
                LogAnyScope(logger);
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message =
            "ViewSync is running with AllowAnyScopeForDevelopment(): anyone, without credentials, can read and write every scope. " +
            "Never deploy this; use options.ResolveScope(...) with authentication instead.")]
        private static partial void LogAnyScope(ILogger logger);
    }
}
