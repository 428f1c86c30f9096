using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TodoSample;
using ViewSync.Server;

// The Todo app's server: the same generated mutators as the clients, on an embedded SQLite file, and
// the browser app (samples/Todo.Web) at /.
//   dotnet run --project samples/Todo.Server -- --urls http://127.0.0.1:5000 [--db path/to/todo.db]
// Without --urls it listens on a free loopback port and prints it.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseStaticWebAssets();   // `dotnet run` serves Todo.Web from its build output, in any environment
var database = builder.Configuration["db"] ?? Path.Combine(AppContext.BaseDirectory, "data", "todo.db");
builder.Services.AddViewSyncServer(options =>
{
    options.Mutators = TodoDb.Mutators;
    options.UseSqlite(database);
    // A local demo server: anyone who can reach it may use any scope, and a warning says so at every
    // start. A deployment chooses options.ResolveScopeFromClaim(...) with authentication instead
    // (docs/security.md).
    options.AllowAnyScopeForDevelopment();
});

var app = builder.Build();
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    app.Urls.Add("http://127.0.0.1:0");
}

app.MapStaticAssets();   // Todo.Web's files, fingerprinted and compressed as the SDK built them
app.MapViewSync("/_sync");
app.MapViewSyncLive("/_live");
app.MapFallbackToFile("index.html");

await app.StartAsync();
foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
{
    Console.WriteLine($"ViewSync server listening on {address} (database: {database})");
}

await app.WaitForShutdownAsync();
