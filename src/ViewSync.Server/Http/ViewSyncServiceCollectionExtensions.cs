using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ViewSync.Server.Diagnostics;
using ViewSync.Server.Engine;
using ViewSync.Server.Http;
using ViewSync.Server.Live;

namespace ViewSync.Server;

/// <summary>Registers the ViewSync server.</summary>
public static class ViewSyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds the sync engine (a singleton over the configured storage, disposed on shutdown), the
    /// live hub, and log trimming when <see cref="ViewSyncServerOptions.Retention"/> is set. Map the
    /// endpoints with <c>app.MapViewSync()</c> and <c>app.MapViewSyncLive()</c>, which fail at
    /// start-up unless <paramref name="configure"/> makes an authorisation decision: a scope resolver
    /// (<see cref="ViewSyncServerOptions.ResolveScopeFromClaim"/>, with ASP.NET Core authentication) or
    /// <see cref="ViewSyncServerOptions.AllowAnyScopeForDevelopment"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets mutators, storage, scope authorisation and retention.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddViewSyncServer(this IServiceCollection services, Action<ViewSyncServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ServerMetrics>();
        services.TryAddSingleton<ISyncEngine>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ViewSyncServerOptions>>().Value;
            var metrics = provider.GetRequiredService<ServerMetrics>();
            var engine = new SyncEngine(options.StorageFactory(provider), new SyncEngineOptions
            {
                Mutators = options.Mutators,
                RawApply = options.RawApply,
                Retention = options.Retention,
                TimeProvider = provider.GetRequiredService<TimeProvider>(),
                LoggerFactory = provider.GetService<ILoggerFactory>(),
                Metrics = metrics,
            });
            engine.LogAdvanced += (_, e) => metrics.ObserveHead(e.Cursor);
            return engine;
        });
        services.TryAddSingleton<LiveHub>();
        services.TryAddSingleton<ScopeAccess.DevelopmentWarning>();
        services.AddLogging();
        services.AddAuthorization();
        services.AddHostedService<RetentionService>();
        return services;
    }
}
