using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ViewSync;
using ViewSync.Persistence;
using TodoSample.Server;
using ViewSync.Server;

namespace TodoSample;

/// <summary>
/// The demo's world: the Todo server in-process on a free loopback port with an embedded SQLite file,
/// and clients with file persistence, all in one temporary folder that is removed at the end. As
/// samples/Todo.Server, the server authenticates JWT bearer tokens from its sign-in endpoint (a key
/// generated for this run) and serves each user their own scope; every client signs in as <see cref="User"/>.
/// </summary>
internal sealed class DemoServer : IAsyncDisposable
{
    /// <summary>The demo's user: both devices of the story, and the interactive client, are hers.</summary>
    public const string User = "alice";

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
        builder.Services.AddDevelopmentAuthentication(builder.Configuration);
        builder.Services.AddViewSyncServer(o =>
        {
            o.Mutators = TodoDb.Mutators;
            o.UseSqlite(Path.Combine(root, "server.db"));
            o.ResolveScopeFromClaim("sub");   // alice syncs user:alice
        });
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapSignIn("/auth/sign-in");
        app.MapViewSync("/_sync");
        app.MapViewSyncLive("/_live");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DemoServer(app, root, new Uri(address));
    }

    /// <summary>
    /// A client of <see cref="User"/> with its own durable queue; it signs in lazily, when the first request needs a
    /// token, and again when the server refuses one. All its requests, the sign-in too, go through <paramref name="cable"/>.
    /// </summary>
    public SyncClient Client(string name, NetworkSwitch cable)
    {
        var session = new SignInSession(new HttpClient(cable, disposeHandler: false) { BaseAddress = Address }, User);
        return new(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = new Uri(Address, "_sync/"),
            Scope = session.Scope,
            AccessTokenProvider = session.GetAccessTokenAsync,
            HttpClient = new HttpClient(cable),
            Live = new LiveOptions(),
            Persistence = new FilePersistence(Path.Combine(Root, name)),
            PushInterval = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}
