using Microsoft.Extensions.Diagnostics.HealthChecks;
using ViewSync.Server.Engine;

namespace ViewSync.Server.Diagnostics;

/// <summary>
/// Healthy when the server's storage answers a cheap read: a page of a scope nobody uses, which touches the
/// database (a connection, the log's index, the head) without reading any data.
/// </summary>
internal sealed class SyncStorageHealthCheck(ISyncEngine engine) : IHealthCheck
{
    /// <summary>A scope name no app uses; the read finds nothing in it either way.</summary>
    private const string ProbeScope = "_viewsync_health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var page = await engine.PullAsync(ProbeScope, 0, 1, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("ViewSync storage answered a read.", new Dictionary<string, object> { ["log_head"] = page.NextCursor ?? 0 });
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"ViewSync storage failed a read: {e.Message}", e);
        }
    }
}
