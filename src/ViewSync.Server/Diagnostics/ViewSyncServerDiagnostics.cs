using System.Diagnostics;

namespace ViewSync.Server;

/// <summary>
/// Names of the server's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="ActivitySource"/>, for
/// OpenTelemetry: <c>.WithMetrics(m => m.AddMeter(ViewSyncServerDiagnostics.MeterName))</c> and
/// <c>.WithTracing(t => t.AddSource(ViewSyncServerDiagnostics.ActivitySourceName))</c>.
/// </summary>
/// <remarks>
/// Scopes are never recorded, neither as metric tags nor on activities: they usually name a user
/// (<c>user:alice</c>), and as metric tags they would be unbounded.
/// </remarks>
public static class ViewSyncServerDiagnostics
{
    /// <summary>The meter's name: <c>ViewSync.Server</c>.</summary>
    public const string MeterName = "ViewSync.Server";

    /// <summary>The activity source's name: <c>ViewSync.Server</c>.</summary>
    public const string ActivitySourceName = "ViewSync.Server";

    /// <summary>Mutations answered <c>ok</c> (replays of an applied mutation included). Counter, <c>{mutation}</c>.</summary>
    public const string MutationsApplied = "viewsync.server.mutations.applied";

    /// <summary>Mutations rejected, tagged <see cref="ErrorCodeTag"/>. Counter, <c>{mutation}</c>.</summary>
    public const string MutationsRejected = "viewsync.server.mutations.rejected";

    /// <summary>Time to answer a push, tagged <c>http.response.status_code</c>. Histogram, seconds.</summary>
    public const string PushDuration = "viewsync.server.push.duration";

    /// <summary>Time to answer a pull, written page included, tagged <c>http.response.status_code</c>. Histogram, seconds.</summary>
    public const string PullDuration = "viewsync.server.pull.duration";

    /// <summary>Time to answer a snapshot, streamed body included, tagged <c>http.response.status_code</c>. Histogram, seconds.</summary>
    public const string SnapshotDuration = "viewsync.server.snapshot.duration";

    /// <summary>Changes per pull page. Histogram, <c>{change}</c>.</summary>
    public const string PullEntries = "viewsync.server.pull.entries";

    /// <summary>Entity bytes per pull page (the stored values, as bounded by the page's byte cap). Histogram, bytes.</summary>
    public const string PullBytes = "viewsync.server.pull.bytes";

    /// <summary>Open live WebSocket connections. UpDownCounter, <c>{session}</c>.</summary>
    public const string LiveSessions = "viewsync.server.live.sessions";

    /// <summary>The highest log cursor this process has committed or read. Gauge, <c>{cursor}</c>.</summary>
    public const string LogHead = "viewsync.server.log.head";

    /// <summary>Log entries deleted by retention trimming. Counter, <c>{entry}</c>.</summary>
    public const string LogTrimmed = "viewsync.server.log.trimmed";

    /// <summary>The tag naming a rejection's protocol error code (<c>conflict</c>, <c>invalid_mutation</c>, …).</summary>
    public const string ErrorCodeTag = "viewsync.error.code";

    // The activity tags below are the client's names, so a push or pull reads alike on both ends of a trace.

    /// <summary>Activity tag: mutations in a push.</summary>
    public const string MutationCountTag = ViewSyncClientDiagnostics.MutationCountTag;

    /// <summary>Activity tag: mutations of a push that were rejected.</summary>
    public const string RejectedCountTag = ViewSyncClientDiagnostics.RejectedCountTag;

    /// <summary>Activity tag: the cursor a pull starts after.</summary>
    public const string CursorTag = ViewSyncClientDiagnostics.CursorTag;

    /// <summary>Activity tag: the cursor a pull page or snapshot brings the client to.</summary>
    public const string NextCursorTag = ViewSyncClientDiagnostics.NextCursorTag;

    /// <summary>Activity tag: changes in a pull page.</summary>
    public const string EntriesTag = ViewSyncClientDiagnostics.EntriesTag;

    /// <summary>Activity tag: whether more pages follow.</summary>
    public const string HasMoreTag = ViewSyncClientDiagnostics.HasMoreTag;

    /// <summary>Activities: <c>viewsync.push</c>, <c>viewsync.pull</c>, <c>viewsync.snapshot</c>, children of the request's.</summary>
    internal static readonly ActivitySource Source = new(ActivitySourceName);
}
