using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary><c>services.AddViewSync&lt;TodoDb&gt;</c> in a generic host: started and stopped with it, HTTP through IHttpClientFactory.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task A_hosted_database_syncs_between_host_start_and_stop()
    {
        await using var server = await ServerHost.StartAsync();
        var requests = 0;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services
            .AddViewSync<TodoDb>(o =>
            {
                o.BaseUrl = new Uri(server.Root, "_sync");
                o.Scope = "user:1";
                o.PushInterval = TimeSpan.FromMilliseconds(50);
            })
            .AddHttpMessageHandler(() => new CountingHandler(() => Interlocked.Increment(ref requests)));
        using var host = builder.Build();

        await host.StartAsync();
        var db = host.Services.GetRequiredService<TodoDb>();
        var client = host.Services.GetRequiredService<SyncClient>();
        Assert.Same(client.Replica, db.Replica);
        db.Todos.Create(new Todo("a", "from the host", false));
        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0, "the hosted client pushed");
        await host.StopAsync();

        Assert.True((await server.Engine.SnapshotAsync("user:1")).Data["todo"].ContainsKey("a"));
        Assert.True(Volatile.Read(ref requests) > 0, "requests went through the named HttpClient's handlers");
        var after = Volatile.Read(ref requests);
        db.Todos.Create(new Todo("b", "after stop", false));
        Assert.Equal(1, client.PendingCount.Get()); // stopped: kept locally, not pushed
        Assert.Equal(after, Volatile.Read(ref requests));
    }
}
