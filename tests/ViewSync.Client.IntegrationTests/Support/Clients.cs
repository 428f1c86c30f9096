using TodoSample;
using ViewSync.Persistence;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>Creates Todo clients against a test server.</summary>
internal static class Clients
{
    public static SyncClient Create(ServerHost server, string scope = "user:1", bool live = true, IPersistence? persistence = null, Action<SyncClientOptions>? configure = null)
    {
        var options = new SyncClientOptions
        {
            BaseUrl = new Uri(server.Root, "_sync/"),
            Scope = scope,
            Live = live ? new LiveOptions { ReconnectDelay = TimeSpan.FromMilliseconds(100) } : null,
            PullInterval = TimeSpan.FromMilliseconds(live ? 2000 : 200),
            PushInterval = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            Persistence = persistence,
        };
        configure?.Invoke(options);
        return new SyncClient(TodoDb.Mutators, options);
    }

    public static TodoDb Db(this SyncClient client) => new(client);
}
