using System.Diagnostics;

namespace ViewSync;

/// <summary>
/// Names of the client's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="ActivitySource"/>, for
/// OpenTelemetry: <c>.WithMetrics(m => m.AddMeter(ViewSyncClientDiagnostics.MeterName))</c> and
/// <c>.WithTracing(t => t.AddSource(ViewSyncClientDiagnostics.ActivitySourceName))</c>.
/// </summary>
/// <remarks>
/// The meter comes from <see cref="SyncClientOptions.MeterFactory"/> when set (<c>AddViewSync</c> sets it from the
/// container's), else from one shared meter. Scopes are never recorded: they usually name a user.
/// </remarks>
public static class ViewSyncClientDiagnostics
{
    /// <summary>The meter's name: <c>ViewSync.Client</c>.</summary>
    public const string MeterName = "ViewSync.Client";

    /// <summary>The activity source's name: <c>ViewSync.Client</c>.</summary>
    public const string ActivitySourceName = "ViewSync.Client";

    /// <summary>Time of one sync cycle (snapshot if needed, push, pull until up to date), tagged <see cref="OutcomeTag"/>
    /// and, for failures, <see cref="ErrorKindTag"/>. Histogram, seconds.</summary>
    public const string SyncDuration = "viewsync.client.sync.duration";

    /// <summary>Problems reported through <see cref="SyncClient.Error"/>, tagged <see cref="ErrorKindTag"/>. Counter, <c>{error}</c>.</summary>
    public const string Failures = "viewsync.client.failures";

    /// <summary>Mutations the server has not confirmed yet, summed over the live clients of the meter. UpDownCounter, <c>{mutation}</c>.</summary>
    public const string PendingMutations = "viewsync.client.pending_mutations";

    /// <summary>A cycle's outcome: <c>success</c>, <c>failure</c> or <c>cancelled</c>.</summary>
    public const string OutcomeTag = "viewsync.outcome";

    /// <summary>The <see cref="SyncErrorKind"/> of a failure, e.g. <c>Network</c>.</summary>
    public const string ErrorKindTag = "viewsync.error.kind";

    /// <summary>Activity tag: mutations in a pushed batch.</summary>
    public const string MutationCountTag = "viewsync.mutation.count";

    /// <summary>Activity tag: mutations of a batch the server rejected.</summary>
    public const string RejectedCountTag = "viewsync.mutation.rejected";

    /// <summary>Activity tag: the cursor a pull starts after.</summary>
    public const string CursorTag = "viewsync.cursor";

    /// <summary>Activity tag: the cursor a pull page or snapshot brought the client to.</summary>
    public const string NextCursorTag = "viewsync.next_cursor";

    /// <summary>Activity tag: changes in a pulled page.</summary>
    public const string EntriesTag = "viewsync.pull.entries";

    /// <summary>Activity tag: whether more pages follow.</summary>
    public const string HasMoreTag = "viewsync.pull.has_more";

    /// <summary>Activities: <c>viewsync.sync</c> (a cycle), and its children <c>viewsync.push</c> (a batch),
    /// <c>viewsync.pull</c> (a page) and <c>viewsync.snapshot</c>.</summary>
    internal static readonly ActivitySource Source = new(ActivitySourceName);
}
