using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
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
    /// <summary>Maps <c>POST {prefix}/push</c>, <c>{prefix}/pull</c> and <c>{prefix}/snapshot</c> (PROTOCOL.md).</summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The sync prefix; clients use it as their <c>BaseUrl</c>.</param>
    /// <returns>The route group, to add authorization or rate limiting to.</returns>
    public static RouteGroupBuilder MapViewSync(this IEndpointRouteBuilder endpoints, string prefix = "/_sync")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix);
        group.MapPost("/push", SyncEndpoints.PushAsync);
        group.MapPost("/pull", SyncEndpoints.PullAsync);
        group.MapPost("/snapshot", SyncEndpoints.SnapshotAsync);
        return group;
    }

    /// <summary>
    /// Maps the live WebSocket endpoint (<c>{path}?scope=...</c>). On a <see cref="WebApplication"/> it
    /// also adds the WebSocket middleware with the configured keep-alive, and closes live connections
    /// cleanly when the app stops.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="path">The endpoint's path.</param>
    /// <returns>The endpoint, to add conventions to.</returns>
    public static IEndpointConventionBuilder MapViewSyncLive(this IEndpointRouteBuilder endpoints, string path = "/_live")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ViewSyncServerOptions>>().Value;
        if (endpoints is IApplicationBuilder app)
        {
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.LiveKeepAliveInterval, KeepAliveTimeout = options.LiveKeepAliveInterval * 2 });
        }

        var hub = endpoints.ServiceProvider.GetRequiredService<LiveHub>();
        endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping
            .Register(() => hub.CloseAllAsync().Wait(TimeSpan.FromSeconds(5)));
        return endpoints.Map(path, LiveEndpoint.HandleAsync);
    }
}
