using System.Diagnostics.Metrics;
using ViewSync.Mutators;
using ViewSync.Protocol;

namespace ViewSync.Server.Diagnostics;

/// <summary>The server's instruments, on a meter from the app's <see cref="IMeterFactory"/> (one per service provider).</summary>
internal sealed class ServerMetrics
{
    private long _head;

    public ServerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ViewSyncServerDiagnostics.MeterName);
        MutationsApplied = meter.CreateCounter<long>(ViewSyncServerDiagnostics.MutationsApplied, "{mutation}", "Mutations answered ok, replays included.");
        MutationsRejected = meter.CreateCounter<long>(ViewSyncServerDiagnostics.MutationsRejected, "{mutation}", "Mutations rejected, by error code.");
        PushDuration = meter.CreateHistogram<double>(ViewSyncServerDiagnostics.PushDuration, "s", "Time to answer a push.");
        PullDuration = meter.CreateHistogram<double>(ViewSyncServerDiagnostics.PullDuration, "s", "Time to answer a pull, page written.");
        SnapshotDuration = meter.CreateHistogram<double>(ViewSyncServerDiagnostics.SnapshotDuration, "s", "Time to answer a snapshot, body streamed.");
        PullEntries = meter.CreateHistogram<int>(ViewSyncServerDiagnostics.PullEntries, "{change}", "Changes per pull page.");
        PullBytes = meter.CreateHistogram<long>(ViewSyncServerDiagnostics.PullBytes, "By", "Entity bytes per pull page.");
        LiveSessions = meter.CreateUpDownCounter<int>(ViewSyncServerDiagnostics.LiveSessions, "{session}", "Open live connections.");
        LogTrimmed = meter.CreateCounter<long>(ViewSyncServerDiagnostics.LogTrimmed, "{entry}", "Log entries deleted by retention.");
        meter.CreateObservableGauge(ViewSyncServerDiagnostics.LogHead, () => Volatile.Read(ref _head), "{cursor}", "The highest log cursor this process committed or read.");
    }

    public Counter<long> MutationsApplied { get; }

    public Counter<long> MutationsRejected { get; }

    public Histogram<double> PushDuration { get; }

    public Histogram<double> PullDuration { get; }

    public Histogram<double> SnapshotDuration { get; }

    public Histogram<int> PullEntries { get; }

    public Histogram<long> PullBytes { get; }

    public UpDownCounter<int> LiveSessions { get; }

    public Counter<long> LogTrimmed { get; }

    /// <summary>Raises the head gauge to <paramref name="cursor"/> (cursors only grow; a lower one is ignored).</summary>
    public void ObserveHead(ulong cursor)
    {
        var value = (long)Math.Min(cursor, long.MaxValue);
        var current = Volatile.Read(ref _head);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _head, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Counts a push's results: applied, or rejected by code.</summary>
    public void CountResults(IReadOnlyList<PushResult> results)
    {
        var applied = 0;
        foreach (var result in results)
        {
            if (result.Ok)
            {
                applied++;
            }
            else
            {
                MutationsRejected.Add(1, new KeyValuePair<string, object?>(ViewSyncServerDiagnostics.ErrorCodeTag, result.Code ?? ErrorCodes.InvalidMutation));
            }
        }

        if (applied > 0)
        {
            MutationsApplied.Add(applied);
        }
    }
}
