using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Server.Tests.Support;
using D = ViewSync.ViewSyncClientDiagnostics;

namespace ViewSync.Client.IntegrationTests;

/// <summary>The client's meter and activity source, read with listeners after real cycles against the real server.</summary>
public sealed class ClientDiagnosticsTests : IDisposable
{
    // A meter factory of this test's own: parallel tests' clients never show up in its measurements.
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    private SyncClient ClientFor(Uri root) => new(TodoDb.Mutators, new SyncClientOptions
    {
        BaseUrl = new Uri(root, "_sync/"),
        Scope = "user:1",
        AutomaticSync = false,
        PushBatchSize = 2,
        MeterFactory = Factory,
    });

    [Fact]
    public async Task A_cycle_is_timed_traced_and_empties_the_pending_count()
    {
        await using var server = await ServerHost.StartAsync();
        using var metrics = new MetricRecorder(Factory, D.MeterName);
        using var activities = new ActivityRecorder(D.ActivitySourceName);
        await using var client = ClientFor(server.Root);
        await client.StartAsync();
        var db = client.Db();
        db.Todos.Create(new Todo("a", "one", false));
        db.Todos.Create(new Todo("b", "two", false));
        db.Todos.Create(new Todo("c", "three", false));
        Assert.Equal(3, metrics.Observe(D.PendingMutations));

        await client.SyncAsync();

        Assert.Equal(0, metrics.Observe(D.PendingMutations));
        var cycle = Assert.Single(metrics.Of(D.SyncDuration));
        Assert.Equal("success", cycle.Tags[D.OutcomeTag]);
        Assert.InRange(cycle.Value, 0, 30);
        Assert.Empty(metrics.Of(D.Failures));

        var sync = Assert.Single(activities.Named("viewsync.sync"));
        Assert.Equal("success", sync.GetTagItem(D.OutcomeTag));
        var pushes = activities.Named("viewsync.push");
        Assert.Equal([2, 1], pushes.Select(p => (int)p.GetTagItem(D.MutationCountTag)!)); // batches of 2
        Assert.All(pushes, p => Assert.Equal(sync.SpanId, p.ParentSpanId));
        Assert.Equal(3, activities.Named("viewsync.pull").Sum(p => (int)p.GetTagItem(D.EntriesTag)!));
        Assert.Equal(client.Cursor, (ulong)activities.Named("viewsync.pull")[^1].GetTagItem(D.NextCursorTag)!);
        Assert.Single(activities.Named("viewsync.snapshot")); // the first cycle starts from a snapshot
    }

    [Fact]
    public async Task A_failed_cycle_counts_its_kind_and_marks_the_activity()
    {
        using var metrics = new MetricRecorder(Factory, D.MeterName);
        using var activities = new ActivityRecorder(D.ActivitySourceName);
        await using var client = ClientFor(new Uri($"http://127.0.0.1:{UnusedPort()}/"));
        await client.StartAsync();

        await Assert.ThrowsAsync<SyncException>(() => client.SyncAsync());

        var cycle = Assert.Single(metrics.Of(D.SyncDuration));
        Assert.Equal("failure", cycle.Tags[D.OutcomeTag]);
        Assert.Equal("Network", cycle.Tags[D.ErrorKindTag]);
        var failure = Assert.Single(metrics.Of(D.Failures));
        Assert.Equal("Network", failure.Tags[D.ErrorKindTag]);
        var sync = Assert.Single(activities.Named("viewsync.sync"));
        Assert.Equal(ActivityStatusCode.Error, sync.Status);
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(activities.Named("viewsync.snapshot")).Status);
    }

    [Fact]
    public async Task A_rejection_is_counted_as_a_failure_of_its_kind_and_on_the_push()
    {
        await using var server = await ServerHost.StartAsync();
        using var metrics = new MetricRecorder(Factory, D.MeterName);
        using var activities = new ActivityRecorder(D.ActivitySourceName);
        await using var client = ClientFor(server.Root);
        await client.StartAsync();
        client.Db().Todos.Create(new Todo("a", "one", false));
        await client.SyncAsync();
        // Deleted on the server meanwhile: the toggle the client queued is rejected there.
        await server.Engine.PushAsync([new ViewSync.Mutations.Mutation("d1", "todo.delete", "user:1", "other", 1, System.Text.Json.JsonDocument.Parse("""{"id":"a"}""").RootElement, DateTimeOffset.UnixEpoch)]);
        client.Db().Mutate.Toggle("a");

        await client.SyncAsync();

        Assert.Equal("MutationRejected", Assert.Single(metrics.Of(D.Failures)).Tags[D.ErrorKindTag]);
        Assert.Equal(1, activities.Named("viewsync.push")[^1].GetTagItem(D.RejectedCountTag));
    }

    [Fact]
    public async Task A_disposed_client_no_longer_counts_as_pending()
    {
        using var metrics = new MetricRecorder(Factory, D.MeterName);
        var client = ClientFor(new Uri($"http://127.0.0.1:{UnusedPort()}/"));
        await client.StartAsync();
        client.Db().Todos.Create(new Todo("a", "one", false));
        Assert.Equal(1, metrics.Observe(D.PendingMutations));

        await client.DisposeAsync();

        Assert.Equal(0, metrics.Observe(D.PendingMutations));
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
