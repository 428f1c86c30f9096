using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ViewSync.Cluster.Host;
using ViewSync.Server;
using ViewSync.Server.PostgreSql;

// One node of the three-node test: the real ViewSync server (sync at /_sync, live at /_live) on a free
// loopback port, over storage shared by every node:
//   sqlite <database file>
//   postgres <connection string> <schema>
// It prints "ready <root url>" once listening and runs until standard input closes or says "exit"
// (or until the test kills it).
if (args is not (["sqlite", _] or ["postgres", _, _]))
{
    Console.Error.WriteLine("usage: ViewSync.Cluster.Host sqlite <database file> | postgres <connection string> <schema>");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddViewSyncServer(options =>
{
    options.Mutators = ClusterDb.Mutators;
    if (args[0] == "sqlite")
    {
        options.UseSqlite(args[1]);
    }
    else
    {
        options.UsePostgreSql(args[1], postgres => postgres.Schema = args[2]);
    }

    options.AllowAnyScopeForDevelopment();
});
await using var app = builder.Build();
app.MapViewSync("/_sync");
app.MapViewSyncLive("/_live");
app.Urls.Add("http://127.0.0.1:0");
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"ready {address.TrimEnd('/')}/");
while (await Console.In.ReadLineAsync() is { } line && line != "exit")
{
}

await app.StopAsync();
return 0;
