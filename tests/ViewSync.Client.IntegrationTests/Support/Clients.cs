using TodoSample;
using ViewSync.Persistence;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>Creates Todo clients against a test server.</summary>
internal static class Clients
{
    public static SyncClient Create(ServerHost server, string scope = "user:1", bool live = true, IPersistence? persistence = null, Action<SyncClientOptions>? configure = null) =>
        Create(server.Root, scope, live, persistence, configure);

    public static SyncClient Create(ISyncTestServer server, string scope = "user:1", bool live = true, IPersistence? persistence = null, Action<SyncClientOptions>? configure = null) =>
        Create(server.Root, scope, live, persistence, configure);

    public static SyncClient Create(AuthenticatedServer server, string scope, bool live = true, IPersistence? persistence = null, Action<SyncClientOptions>? configure = null) =>
        Create(server.Root, scope, live, persistence, configure);

    private static SyncClient Create(Uri root, string scope, bool live, IPersistence? persistence, Action<SyncClientOptions>? configure)
    {
        var options = new SyncClientOptions
        {
            BaseUrl = new Uri(root, "_sync/"),
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
