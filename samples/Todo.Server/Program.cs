using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TodoSample;
using TodoSample.Server;
using ViewSync.Server;
using ViewSync.Server.PostgreSql;

// The Todo app's server: the same generated mutators as the clients, on an embedded SQLite file, and
// the browser app (samples/Todo.Web) at /. Callers sign in (POST /auth/sign-in {"user":"alice"}) for a
// JWT bearer token, and each user syncs their own scope, user:{name}.
//   dotnet run --project samples/Todo.Server -- --urls http://127.0.0.1:5000 [--db path/to/todo.db]
// or, as one of several nodes on one PostgreSQL database (any node serves any client, live included):
//   dotnet run --project samples/Todo.Server -- --urls http://127.0.0.1:5001 --postgres "Host=127.0.0.1;Database=todo;Username=todo;Password=…"
// Without --urls it listens on a free loopback port and prints it.
var builder = WebApplication.CreateSlimBuilder(args);
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

var app = builder.Build();
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    app.Urls.Add("http://127.0.0.1:0");
}

app.MapStaticAssets();   // Todo.Web's files, fingerprinted and compressed as the SDK built them
app.MapSignIn("/auth/sign-in");
app.MapViewSync("/_sync");
app.MapViewSyncLive("/_live");
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
