using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ViewSync.Diagnostics;

/// <summary>
/// The client's instruments on one meter, shared by every client using that meter (one per
/// <see cref="IMeterFactory"/>, or the process-wide default), so each instrument exists once per meter.
/// </summary>
internal sealed class ClientMetrics
{
    private static readonly Meter s_defaultMeter = new(ViewSyncClientDiagnostics.MeterName);
    private static readonly ConditionalWeakTable<Meter, ClientMetrics> s_byMeter = [];
    private readonly ConcurrentDictionary<SyncClient, byte> _clients = new();

    private ClientMetrics(Meter meter)
    {
        SyncDuration = meter.CreateHistogram<double>(ViewSyncClientDiagnostics.SyncDuration, "s", "Time of one sync cycle.");
        Failures = meter.CreateCounter<long>(ViewSyncClientDiagnostics.Failures, "{error}", "Problems reported by the client, by kind.");
        meter.CreateObservableUpDownCounter(ViewSyncClientDiagnostics.PendingMutations, ObservePending, "{mutation}", "Mutations not yet confirmed by the server.");
    }

    public Histogram<double> SyncDuration { get; }

    public Counter<long> Failures { get; }

    /// <summary>The instruments on <paramref name="factory"/>'s meter, or on the default one.</summary>
    public static ClientMetrics For(IMeterFactory? factory)
    {
        var meter = factory?.Create(ViewSyncClientDiagnostics.MeterName) ?? s_defaultMeter;
        return s_byMeter.GetValue(meter, static m => new ClientMetrics(m));
    }

    /// <summary>Counts <paramref name="client"/>'s pending mutations until <see cref="Unregister"/>.</summary>
    public void Register(SyncClient client) => _clients.TryAdd(client, 0);

    public void Unregister(SyncClient client) => _clients.TryRemove(client, out _);

    private long ObservePending()
    {
        long pending = 0;
        foreach (var client in _clients.Keys)
        {
            pending += client.PendingCount.Get();
        }

        return pending;
    }
}
