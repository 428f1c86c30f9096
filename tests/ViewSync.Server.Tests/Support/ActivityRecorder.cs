using System.Collections.Concurrent;
using System.Diagnostics;

namespace ViewSync.Server.Tests.Support;

/// <summary>
/// Records the activities of the named sources that belong to one trace: the test starts a parent activity, the
/// HTTP client carries its <c>traceparent</c>, and the server's activities join that trace.
/// </summary>
internal sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly Activity _parent;

    public ActivityRecorder(params string[] sources)
    {
        _listener = new ActivityListener
        {
            // ASP.NET Core's request activity too: it carries the incoming trace to the server's own activities.
            ShouldListenTo = source => sources.Contains(source.Name) || source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _parent = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
    }

    /// <summary>Stopped activities of this trace named <paramref name="name"/>.</summary>
    public IReadOnlyList<Activity> Named(string name) =>
        [.. _stopped.Where(a => a.TraceId == _parent.TraceId && a.OperationName == name)];

    public void Dispose()
    {
        _parent.Stop();
        _listener.Dispose();
    }
}
