using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ViewSync.Server.Http;
using ViewSync.Server.Live;

namespace ViewSync.Server;

/// <summary>Maps the ViewSync endpoints.</summary>
public static class ViewSyncEndpointRouteBuilderExtensions
{
    private static readonly string[] OtherMethods = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch];

    /// <summary>
    /// Maps <c>POST {prefix}/push</c>, <c>{prefix}/pull</c> and <c>{prefix}/snapshot</c> (PROTOCOL.md);
    /// other methods on those paths are answered <c>405</c>.
    /// </summary>
    /// <remarks>
    /// Deny by default: start-up fails unless <c>AddViewSyncServer</c> chose a scope resolver
    /// (<see cref="ViewSyncServerOptions.ResolveScope(Func{ScopeAuthorizationContext, ValueTask{string?}})"/>,
    /// <see cref="ViewSyncServerOptions.ResolveScopeFromClaim"/>) — the endpoints then require an
    /// authenticated user — or the development switch
    /// (<see cref="ViewSyncServerOptions.AllowAnyScopeForDevelopment"/>).
    /// </remarks>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The sync prefix; clients use it as their <c>BaseUrl</c>.</param>
    /// <returns>The route group, to add authorization policies, CORS or rate limiting to.</returns>
    /// <exception cref="InvalidOperationException">No authorisation decision was made, or a resolver is set without authentication.</exception>
    public static RouteGroupBuilder MapViewSync(this IEndpointRouteBuilder endpoints, string prefix = "/_sync")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var requireUser = ScopeAccess.EnsureDecided(endpoints.ServiceProvider);
        var group = endpoints.MapGroup(prefix);
        group.MapPost("/push", SyncEndpoints.PushAsync);
        group.MapPost("/pull", SyncEndpoints.PullAsync);
        group.MapPost("/snapshot", SyncEndpoints.SnapshotAsync);
        if (requireUser)
        {
            group.RequireAuthorization();
        }

        // Outside the group, so that a GET is a 405 whatever the group requires, and never the
        // app's fallback page.
        var others = endpoints.MapGroup(prefix);
        others.MapMethods("/push", OtherMethods, SyncEndpoints.MethodNotAllowedAsync);
        others.MapMethods("/pull", OtherMethods, SyncEndpoints.MethodNotAllowedAsync);
        others.MapMethods("/snapshot", OtherMethods, SyncEndpoints.MethodNotAllowedAsync);
        return group;
    }

    /// <summary>
    /// Maps the live WebSocket endpoint (<c>{path}?scope=...</c>). On a <see cref="WebApplication"/> it
    /// also adds the WebSocket middleware with the configured keep-alive, and closes live connections
    /// cleanly when the app stops.
    /// </summary>
    /// <remarks>
    /// The same authorisation as <see cref="MapViewSync"/>: the caller authenticates with a header or a
    /// cookie on the handshake (never in the URL), and the scope resolver decides. Handshakes from a
    /// browser page whose <c>Origin</c> is neither the server's own nor in
    /// <see cref="ViewSyncServerOptions.LiveAllowedOrigins"/> are refused (<c>403</c>), as are connections
    /// over <see cref="ViewSyncServerOptions.MaxLiveConnectionsPerCaller"/> or
    /// <see cref="ViewSyncServerOptions.MaxLiveConnections"/> (<c>429</c>).
    /// </remarks>
    /// <param name="endpoints">The app.</param>
    /// <param name="path">The endpoint's path.</param>
    /// <returns>The endpoint, to add conventions to.</returns>
    /// <exception cref="InvalidOperationException">No authorisation decision was made, or a resolver is set without authentication.</exception>
    public static IEndpointConventionBuilder MapViewSyncLive(this IEndpointRouteBuilder endpoints, string path = "/_live")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var requireUser = ScopeAccess.EnsureDecided(endpoints.ServiceProvider);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ViewSyncServerOptions>>().Value;
        if (endpoints is IApplicationBuilder app)
        {
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.LiveKeepAliveInterval, KeepAliveTimeout = options.LiveKeepAliveInterval * 2 });
        }

        var hub = endpoints.ServiceProvider.GetRequiredService<LiveHub>();
        endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping
            .Register(() => hub.CloseAllAsync().Wait(TimeSpan.FromSeconds(5)));
        var endpoint = endpoints.Map(path, LiveEndpoint.HandleAsync);
        if (requireUser)
        {
            endpoint.RequireAuthorization();
        }

        return endpoint;
    }
}
