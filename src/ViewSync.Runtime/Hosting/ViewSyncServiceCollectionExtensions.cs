using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ViewSync.Hosting;

namespace ViewSync;

/// <summary>Registers a ViewSync client and its generated database with dependency injection.</summary>
public static class ViewSyncServiceCollectionExtensions
{
    /// <summary>The name of the HTTP client the sync client takes from <c>IHttpClientFactory</c>.</summary>
    public const string HttpClientName = "ViewSync";

    /// <summary>
    /// Adds a <see cref="SyncClient"/> (a singleton started and stopped with the host) and the
    /// database <typeparamref name="TDatabase"/> over it. HTTP goes through <c>IHttpClientFactory</c>
    /// (named <see cref="HttpClientName"/>), logging through <see cref="ILoggerFactory"/>, time through
    /// the registered <see cref="TimeProvider"/>.
    /// </summary>
    /// <typeparam name="TDatabase">The generated database, e.g. <c>TodoDb</c>.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the base URL, scope, persistence, live options….</param>
    /// <returns>The HTTP client builder, to add handlers (for credentials, prefer <see cref="SyncClientOptions.AccessTokenProvider"/>: it also covers the live connection and refreshes on a <c>401</c>).</returns>
    public static IHttpClientBuilder AddViewSync<TDatabase>(this IServiceCollection services, Action<SyncClientOptions> configure)
        where TDatabase : SyncDatabase, ISyncDatabase<TDatabase>
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddViewSync<TDatabase>((options, _) => configure(options));
    }

    /// <summary>
    /// Adds a <see cref="SyncClient"/> and the database <typeparamref name="TDatabase"/> as
    /// <see cref="AddViewSync{TDatabase}(IServiceCollection, Action{SyncClientOptions})"/> does, configured with
    /// access to the app's services: to take <see cref="SyncClientOptions.AccessTokenProvider"/> from a
    /// registered sign-in service, say
    /// (<c>(o, services) =&gt; o.AccessTokenProvider = services.GetRequiredService&lt;Session&gt;().GetTokenAsync</c>).
    /// </summary>
    /// <typeparam name="TDatabase">The generated database, e.g. <c>TodoDb</c>.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the base URL, scope, persistence, access token provider…, given the service provider.</param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    public static IHttpClientBuilder AddViewSync<TDatabase>(this IServiceCollection services, Action<SyncClientOptions, IServiceProvider> configure)
        where TDatabase : SyncDatabase, ISyncDatabase<TDatabase>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SyncClientOptions>().Configure<IServiceProvider>(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SyncClientOptions>>().Value;
            if (options.HttpClient is null && options.Transport is null)
            {
                options.HttpClientFactory ??= provider.GetRequiredService<IHttpClientFactory>();
                options.HttpClientName = HttpClientName;
            }

            options.LoggerFactory ??= provider.GetService<ILoggerFactory>();
            options.MeterFactory ??= provider.GetService<System.Diagnostics.Metrics.IMeterFactory>();
            if (ReferenceEquals(options.TimeProvider, TimeProvider.System))
            {
                options.TimeProvider = provider.GetRequiredService<TimeProvider>();
            }

            return new SyncClient(TDatabase.Mutators, options);
        });
        services.TryAddSingleton(provider => TDatabase.Create(provider.GetRequiredService<SyncClient>()));
        services.AddHostedService<SyncClientHostedService>();
        return services.AddHttpClient(HttpClientName, (provider, http) =>
        {
            if (provider.GetRequiredService<IOptions<SyncClientOptions>>().Value.BaseUrl is { } baseUrl)
            {
                http.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
            }
        });
    }
}
