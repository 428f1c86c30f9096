using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Runtime.Tests.Support;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary>Issue 12: the client's status signals change where the rest of its graph changes, on the configured context.</summary>
public sealed class StatusSignalThreadTests
{
    [Fact]
    public async Task Status_signals_change_on_the_configured_ui_thread()
    {
        await using var server = await ServerHost.StartAsync();
        using var ui = new SingleThreadSynchronizationContext();
        await using var client = Clients.Create(server, live: false, configure: o => o.SynchronizationContext = ui);
        var threads = new List<int>();
        var first = true;
        using var effect = new Effect(() =>
        {
            client.Online.Get();
            client.LastSyncTime.Get();
            client.LastError.Get();
            if (!first)
            {
                lock (threads)
                {
                    threads.Add(Environment.CurrentManagedThreadId);
                }
            }

            first = false;
        });

        await client.StartAsync();

        await Eventually.TrueAsync(() => client.LastSyncTime.Peek() is not null && client.Online.Peek(), "the client has synced and is online");
        lock (threads)
        {
            Assert.NotEmpty(threads);
            Assert.All(threads, id => Assert.Equal(ui.ThreadId, id));
        }

        Assert.Empty(ui.Unhandled);
    }

    [Fact]
    public async Task The_last_error_of_an_unreachable_server_is_set_on_the_configured_ui_thread()
    {
        using var ui = new SingleThreadSynchronizationContext();
        await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = new Uri("http://127.0.0.1:9/_sync/"), // discard port: refused at once
            SynchronizationContext = ui,
            MaxRetryDelay = TimeSpan.FromSeconds(1),
        });
        var threads = new List<int>();
        using var effect = new Effect(() =>
        {
            if (client.LastError.Get() is not null)
            {
                lock (threads)
                {
                    threads.Add(Environment.CurrentManagedThreadId);
                }
            }
        });

        await client.StartAsync();

        await Eventually.TrueAsync(() => { lock (threads) { return threads.Count > 0; } }, "the client reported the unreachable server");
        lock (threads)
        {
            Assert.All(threads, id => Assert.Equal(ui.ThreadId, id));
        }
    }
}
