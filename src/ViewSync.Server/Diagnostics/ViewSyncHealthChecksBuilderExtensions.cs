using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ViewSync.Server.Diagnostics;
using ViewSync.Server.Engine;

namespace ViewSync.Server;

/// <summary>Health checks of the ViewSync server: <c>services.AddHealthChecks().AddViewSyncStorage()</c>.</summary>
public static class ViewSyncHealthChecksBuilderExtensions
{
    /// <summary>The default name of the storage check.</summary>
    public const string StorageCheckName = "viewsync-storage";

    /// <summary>
    /// Checks the storage configured with <c>AddViewSyncServer</c> by a cheap read (an empty log page): healthy when it
    /// answers, <paramref name="failureStatus"/> (default unhealthy) with the error when it fails or times out.
    /// Map it with <c>app.MapHealthChecks("/healthz")</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">What a failed read reports; null for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (e.g. <c>ready</c>).</param>
    /// <param name="timeout">How long the read may take before it counts as failed; null for 5 seconds.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddViewSyncStorage(this IHealthChecksBuilder builder, string name = StorageCheckName, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new SyncStorageHealthCheck(services.GetRequiredService<ISyncEngine>()),
            failureStatus,
            tags,
            timeout ?? TimeSpan.FromSeconds(5)));
    }
}
