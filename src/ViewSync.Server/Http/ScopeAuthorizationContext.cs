using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace ViewSync.Server.Http;

/// <summary>A request's claim to a scope, for <see cref="ViewSyncServerOptions.ScopeResolver"/> to judge.</summary>
/// <param name="ClaimedScope">The scope the request names (already normalised: empty means <c>_default</c>).</param>
/// <param name="HttpContext">The request, with its user, headers and connection.</param>
public sealed record ScopeAuthorizationContext(string ClaimedScope, HttpContext HttpContext)
{
    /// <summary>The caller, as the app's authentication made it (anonymous when it was not authenticated).</summary>
    public ClaimsPrincipal User => HttpContext.User;
}
