using System.ComponentModel;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Runtime.Tests.Support;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary><see cref="SyncClient.Status"/>: the client's state as an <see cref="INotifyPropertyChanged"/> object for XAML.</summary>
public sealed class SyncStatusTests
{
    [Fact]
    public async Task PropertyChanged_names_each_changed_property_and_the_property_reads_the_new_value()
    {
        await using var server = await ServerHost.StartAsync();
        await using var client = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await client.StartAsync();
        var status = client.Status;
        var seen = new List<(string? Name, object? Value)>();
        status.PropertyChanged += (sender, e) =>
        {
            Assert.Same(status, sender);
            seen.Add((e.PropertyName, Read(status, e.PropertyName)));
        };
        Assert.False(status.IsOnline);
        Assert.Equal(0, status.PendingCount);
        Assert.Null(status.LastSyncedAt);

        client.Db().Todos.Create(new Todo("a", "one", false));
        Assert.Equal([(nameof(SyncStatus.PendingCount), (object?)1)], seen);

        seen.Clear();
        await client.SyncAsync();

        Assert.Contains((nameof(SyncStatus.IsOnline), (object?)true), seen);
        Assert.Contains((nameof(SyncStatus.PendingCount), (object?)0), seen);
        var synced = Assert.Single(seen, s => s.Name == nameof(SyncStatus.LastSyncedAt));
        Assert.Equal(client.LastSyncTime.Get(), synced.Value);
        Assert.NotNull(status.LastSyncedAt);
        Assert.DoesNotContain(seen, s => s.Name == nameof(SyncStatus.LastError)); // no error before, none now
    }

    [Fact]
    public async Task LastError_is_announced_when_a_cycle_fails_and_cleared_when_one_succeeds()
    {
        int port;
        await using (var probe = await ServerHost.StartAsync())
        {
            port = probe.Root.Port;
        }

        await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = new Uri($"http://127.0.0.1:{port}/_sync/"),
            Scope = "user:1",
            AutomaticSync = false,
        });
        await client.StartAsync();
        var seen = new List<(string? Name, object? Value)>();
        client.Status.PropertyChanged += (_, e) => seen.Add((e.PropertyName, Read(client.Status, e.PropertyName)));

        await Assert.ThrowsAsync<SyncException>(() => client.SyncAsync());

        var failed = Assert.Single(seen);
        Assert.Equal(nameof(SyncStatus.LastError), failed.Name);
        Assert.Equal(SyncErrorKind.Network, Assert.IsType<SyncError>(failed.Value).Kind);

        seen.Clear();
        await using var server = await ServerHost.StartAsync(port: port);
        await client.SyncAsync();

        Assert.Contains((nameof(SyncStatus.LastError), (object?)null), seen);
        Assert.Contains((nameof(SyncStatus.IsOnline), (object?)true), seen);
    }

    [Fact]
    public async Task PropertyChanged_is_raised_on_the_configured_synchronization_context()
    {
        await using var server = await ServerHost.StartAsync();
        using var ui = new SingleThreadSynchronizationContext();
        await using var client = Clients.Create(server, live: false, configure: o => o.SynchronizationContext = ui);
        var raised = new List<(string? Name, int Thread)>();
        client.Status.PropertyChanged += (_, e) =>
        {
            lock (raised)
            {
                raised.Add((e.PropertyName, Environment.CurrentManagedThreadId));
            }
        };

        await client.StartAsync();
        client.Db().Todos.Create(new Todo("a", "from a worker thread", false)); // not the UI thread

        await Eventually.TrueAsync(() => client.Status.IsOnline && client.Status.PendingCount == 0 && client.Status.LastSyncedAt is not null, "the status shows the client synced");
        lock (raised)
        {
            Assert.Contains(raised, r => r.Name == nameof(SyncStatus.PendingCount));
            Assert.Contains(raised, r => r.Name == nameof(SyncStatus.IsOnline));
            Assert.Contains(raised, r => r.Name == nameof(SyncStatus.LastSyncedAt));
            Assert.All(raised, r => Assert.Equal(ui.ThreadId, r.Thread));
        }

        Assert.Empty(ui.Unhandled);
    }

    private static object? Read(SyncStatus status, string? name) => name switch
    {
        nameof(SyncStatus.IsOnline) => status.IsOnline,
        nameof(SyncStatus.PendingCount) => status.PendingCount,
        nameof(SyncStatus.LastError) => status.LastError,
        nameof(SyncStatus.LastSyncedAt) => status.LastSyncedAt,
        _ => throw new InvalidOperationException($"Unexpected property name '{name}'."),
    };
}
