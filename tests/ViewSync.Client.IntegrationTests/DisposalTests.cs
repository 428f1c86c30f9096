using Microsoft.Extensions.DependencyInjection;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Persistence;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary><see cref="SyncClient"/> is <see cref="IDisposable"/> too: containers that dispose synchronously release it.</summary>
public sealed class DisposalTests
{
    [Fact]
    public async Task Disposing_a_service_provider_that_resolved_the_client_stops_it_and_releases_its_journal()
    {
        await using var server = await ServerHost.StartAsync();
        var directory = Directory.CreateTempSubdirectory("viewsync-dispose-").FullName;
        try
        {
            var services = new ServiceCollection();
            services.AddViewSync<TodoDb>(o =>
            {
                o.BaseUrl = new Uri(server.Root, "_sync/");
                o.Scope = "user:1";
                o.Persistence = new FilePersistence(directory);
                o.PushInterval = TimeSpan.FromMilliseconds(50);
            });
            var provider = services.BuildServiceProvider();
            var client = provider.GetRequiredService<SyncClient>();
            await client.StartAsync();
            provider.GetRequiredService<TodoDb>().Todos.Create(new Todo("a", "kept", false));

            provider.Dispose(); // threw InvalidOperationException while the client was only IAsyncDisposable

            // The journal's lock is released, and what was written is on disk.
            await using var reopened = new SyncClient(TodoDb.Mutators, new SyncClientOptions
            {
                BaseUrl = new Uri(server.Root, "_sync/"),
                Scope = "user:1",
                Persistence = new FilePersistence(directory),
                AutomaticSync = false,
            });
            await reopened.StartAsync();
            Assert.NotNull(reopened.Db().Todos.Get("a").Get());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Dispose_on_a_thread_whose_context_never_runs_callbacks_does_not_deadlock()
    {
        await using var server = await ServerHost.StartAsync();
        var client = Clients.Create(server, live: false);
        await client.StartAsync();
        await Eventually.TrueAsync(() => client.Online.Get(), "the client synced once");

        var disposed = Task.Factory.StartNew(() =>
        {
            // A blocked UI thread: whatever is posted to its context never runs while Dispose blocks it.
            SynchronizationContext.SetSynchronizationContext(new NeverRunsContext());
            client.Dispose();
            client.Dispose();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await disposed.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private sealed class NeverRunsContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();
    }
}
