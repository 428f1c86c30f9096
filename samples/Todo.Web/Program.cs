using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using TodoSample;
using TodoSample.Web;
using ViewSync;
using ViewSync.Browser;
using ViewSync.Persistence;

// This app only ever runs in a browser.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("browser")]

// The page talks to the server it came from: /auth/sign-in for a token, /_sync for push, pull and
// snapshot, /_live for notifications. The user is the demo user, or whoever ?user=name says; they sync
// user:{name}. Signing in happens when the first request needs a token (so the page starts offline
// too) and again whenever the server refuses one (it restarted with a new development key, say). The
// sign-in also sets an HttpOnly cookie: the browser sends it, same-origin, on the live WebSocket, which
// cannot carry an Authorization header.
var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<HeadOutlet>("head::after");

var site = new Uri(builder.HostEnvironment.BaseAddress);
var session = new SignInSession(new HttpClient { BaseAddress = site }, PageUser.FromAddress());
var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
{
    BaseUrl = new Uri(site, "_sync/"),
    Scope = session.Scope,
    AccessTokenProvider = session.GetAccessTokenAsync,
    Live = new LiveOptions { Url = new UriBuilder(new Uri(site, "_live")) { Scheme = site.Scheme == "https" ? "wss" : "ws" }.Uri },
    Persistence = new LocalStoragePersistence($"todo-{session.User}"),   // a reload keeps the queue, cursor and state
    PushInterval = TimeSpan.FromMilliseconds(200),
    MaxRetryDelay = TimeSpan.FromSeconds(2),
});
builder.Services.AddSingleton(session);
builder.Services.AddSingleton(client);
builder.Services.AddSingleton(new TodoDb(client));

// Start loads the local state first, so the page shows it at once, online or not. Another tab of this
// site may own the local state already: then this one says so instead of forking a second queue.
try
{
    await client.StartAsync();
    builder.RootComponents.Add<App>("#app");
}
catch (PersistenceLockedException)
{
    builder.RootComponents.Add<OpenElsewhere>("#app");
}

await builder.Build().RunAsync();
