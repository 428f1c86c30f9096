using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using TodoSample;
using TodoSample.Web;
using ViewSync;
using ViewSync.Browser;

// This app only ever runs in a browser.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("browser")]

// The page talks to the server it came from: /_sync for push, pull and snapshot, /_live for notifications.
var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

var site = new Uri(builder.HostEnvironment.BaseAddress);
var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
{
    BaseUrl = new Uri(site, "_sync/"),
    Live = new LiveOptions { Url = new UriBuilder(new Uri(site, "_live")) { Scheme = site.Scheme == "https" ? "wss" : "ws" }.Uri },
    Persistence = new LocalStoragePersistence("todo"),   // a reload keeps the queue, cursor and state
    PushInterval = TimeSpan.FromMilliseconds(200),
    MaxRetryDelay = TimeSpan.FromSeconds(2),
});
builder.Services.AddSingleton(client);
builder.Services.AddSingleton(new TodoDb(client));

var host = builder.Build();
await client.StartAsync();   // loads local state first: the page shows it at once, online or not
await host.RunAsync();
