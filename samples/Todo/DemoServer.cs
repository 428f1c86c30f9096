using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ViewSync;
using ViewSync.Persistence;
using ViewSync.Server;

namespace TodoSample;

/// <summary>
/// The demo's world: the Todo server in-process on a free loopback port with an embedded SQLite file,
/// and clients with file persistence, all in one temporary folder that is removed at the end.
/// </summary>
internal sealed class DemoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoServer(WebApplication app, string root, Uri address)
    {
        _app = app;
        Root = root;
        Address = address;
    }

    public string Root { get; }

    public Uri Address { get; }

    public string Database => Path.Combine(Root, "server.db");

    public static async Task<DemoServer> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"viewsync-demo-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddViewSyncServer(o =>
        {
            o.Mutators = TodoDb.Mutators;
            o.UseSqlite(Path.Combine(root, "server.db"));
            // The demo's server lives inside this process, on loopback, for as long as the story runs:
            // nobody else can reach it, so it is honest to let its clients use any scope.
            o.AllowAnyScopeForDevelopment();
        });
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapViewSync("/_sync");
        app.MapViewSyncLive("/_live");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DemoServer(app, root, new Uri(address));
    }

    /// <summary>A client with its own durable queue; its requests go through <paramref name="cable"/>.</summary>
    public SyncClient Client(string name, NetworkSwitch cable) => new(TodoDb.Mutators, new SyncClientOptions
    {
        BaseUrl = new Uri(Address, "_sync/"),
        HttpClient = new HttpClient(cable),
        Live = new LiveOptions(),
        Persistence = new FilePersistence(Path.Combine(Root, name)),
        PushInterval = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
    });

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}
