using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TodoSample;
using TodoSample.Server;
using ViewSync.Server;
using ViewSync.Server.PostgreSql;

// The Todo app's server: the same generated mutators as the clients, on an embedded SQLite file, and
// the browser app (samples/Todo.Web) at /. Callers sign in (POST /auth/sign-in {"user":"alice"}) for a
// JWT bearer token, and each user syncs their own scope, user:{name}.
//   dotnet run --project samples/Todo.Server -- --urls http://127.0.0.1:5000 [--db path/to/todo.db] [--verbose]
// or, as one of several nodes on one PostgreSQL database (any node serves any client, live included):
//   dotnet run --project samples/Todo.Server -- --urls http://127.0.0.1:5001 --postgres "Host=127.0.0.1;Database=todo;Username=todo;Password=…"
// Without --urls it listens on a free loopback port and prints it. It logs at Warning: a line per request
// costs a large share of push throughput. --verbose (or Logging__LogLevel__Default=Information) logs requests.
// GET /healthz answers Healthy while the database answers a read, Unhealthy (503) when it does not.
var verbose = args.Contains("--verbose");
var builder = WebApplication.CreateSlimBuilder([.. args.Where(a => a != "--verbose")]);
if (verbose)
{
    builder.Logging.SetMinimumLevel(LogLevel.Information);
    builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Information);
}
else if (string.IsNullOrEmpty(builder.Configuration["Logging:LogLevel:Default"]))
{
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
}

builder.WebHost.UseStaticWebAssets();   // `dotnet run` serves Todo.Web from its build output, in any environment
var database = builder.Configuration["db"] ?? Path.Combine(AppContext.BaseDirectory, "data", "todo.db");
var postgres = builder.Configuration["postgres"];
// JWT bearer authentication with a DEVELOPMENT signing key: generated at every start unless
// Auth:SigningKey (base64, >= 32 bytes) is configured. Production must supply its own key from a secret
// store (or validate an identity provider's tokens) and replace the demo sign-in below, which trusts any name.
var tokens = builder.Services.AddDevelopmentAuthentication(builder.Configuration);
builder.Services.AddViewSyncServer(options =>
{
    options.Mutators = TodoDb.Mutators;
    if (string.IsNullOrEmpty(postgres))
    {
        options.UseSqlite(database);
    }
    else
    {
        options.UsePostgreSql(postgres);
    }

    options.ResolveScopeFromClaim("sub");   // alice syncs user:alice (and may call it "me"); any other scope is 403
});
builder.Services.AddHealthChecks().AddViewSyncStorage();

var app = builder.Build();
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    app.Urls.Add("http://127.0.0.1:0");
}

app.MapStaticAssets();   // Todo.Web's files, fingerprinted and compressed as the SDK built them
app.MapSignIn("/auth/sign-in");
app.MapViewSync("/_sync");
app.MapViewSyncLive("/_live");
app.MapHealthChecks("/healthz");
app.MapFallbackToFile("index.html");

if (tokens.IsGenerated)
{
    app.Logger.LogGeneratedSigningKey();
}

await app.StartAsync();
foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
{
    Console.WriteLine($"ViewSync server listening on {address} (database: {(string.IsNullOrEmpty(postgres) ? database : "PostgreSQL")})");
}

await app.WaitForShutdownAsync();
