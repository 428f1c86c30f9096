using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ViewSync.Server.Tests.Support;

/// <summary>
/// Collects every measurement of one meter, created by one <see cref="IMeterFactory"/> (so parallel tests with
/// servers of their own never mix): name, value and tags.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public MetricRecorder(IMeterFactory factory, string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Of(string name) =>
        [.. _measurements.Where(m => m.Name == name).Select(m => (m.Value, m.Tags))];

    public double Sum(string name) => Of(name).Sum(m => m.Value);

    /// <summary>Reads the observable instruments now and returns the latest value of <paramref name="name"/>.</summary>
    public double Observe(string name)
    {
        _listener.RecordObservableInstruments();
        return Of(name)[^1].Value;
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }

    public void Dispose() => _listener.Dispose();
}
