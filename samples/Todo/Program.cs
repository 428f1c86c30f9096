using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TodoSample;
using ViewSync;
using ViewSync.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ViewSync.Server;

// The ViewSync story in one run: a server on an embedded SQLite file, two clients that converge, one
// going offline and coming back, and a conflicting mutation rejected and reported.
var root = Path.Combine(Path.GetTempPath(), $"viewsync-demo-{Environment.ProcessId}");
Directory.CreateDirectory(root);
try
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.Services.AddViewSyncServer(o =>
    {
        o.Mutators = TodoDb.Mutators;
        o.UseSqlite(Path.Combine(root, "server.db"));
    });
    await using var server = builder.Build();
    server.Urls.Add("http://127.0.0.1:0");
    server.MapViewSync("/_sync");
    server.MapViewSyncLive("/_live");
    await server.StartAsync();
    var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    Step($"Server listening on {address} (SQLite: {Path.Combine(root, "server.db")})");

    var cableB = new NetworkSwitch();
    var baseUrl = new Uri(new Uri(address), "_sync/");
    await using var a = Client("a", baseUrl, new HttpClient(new SocketsHttpHandler()));
    await using var b = Client("b", baseUrl, new HttpClient(cableB));
    await a.StartAsync();
    await b.StartAsync();
    var dbA = new TodoDb(a);
    var dbB = new TodoDb(b);
    b.MutationRejected += (_, e) => Say($"B: the server rejected {e.Mutation.Name} ({e.Code}): {e.Error} — rolled back");
    using var viewB = new Effect(() => Say($"B sees {dbB.TodoItems.Count()} todos, {b.PendingCount.Get()} pending, {(b.Online.Get() ? "online" : "offline")}"));

    Step("A adds two todos");
    dbA.TodoItems.Create(new TodoItem("milk", "Buy milk", false));
    dbA.TodoItems.Create(new TodoItem("call", "Call mum", false));
    await Until(() => dbB.TodoItems.Count() == 2, "B receives them");

    Step("B ticks off 'Buy milk'");
    dbB.Mutate.Toggle("milk");
    await Until(() => dbA.TodoItems.Get("milk").Get()?.Done == true, "A sees it done");

    Step("B goes offline and keeps working");
    cableB.Offline = true;
    dbB.TodoItems.Create(new TodoItem("bread", "Bake bread", false));
    await Until(() => !b.Online.Get(), "B notices it is offline (its push failed)");
    dbB.Mutate.Rename("call", "Call mum back");
    Say($"B: {b.PendingCount.Get()} mutations wait in B's durable queue");

    Step("Meanwhile A deletes 'Call mum'");
    dbA.TodoItems.Get("call").Delete();
    await Until(() => a.PendingCount.Get() == 0, "the server has A's delete");

    Step("B comes back online");
    cableB.Offline = false;
    await Until(() => b.PendingCount.Get() == 0 && dbA.TodoItems.Get("bread").Exists() && !dbB.TodoItems.Get("call").Exists(), "both converge");

    Step("Both clients now show the server's state");
    Print("A", dbA);
    Print("B", dbB);
    var same = dbA.TodoItems.All().Select(t => t.ToString()).SequenceEqual(dbB.TodoItems.All().Select(t => t.ToString()));
    Say(same ? "A and B agree." : "A and B DISAGREE.");
    return same ? 0 : 1;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(root, recursive: true);
}

SyncClient Client(string name, Uri baseUrl, HttpClient http) => new(TodoDb.Mutators, new SyncClientOptions
{
    BaseUrl = baseUrl,
    HttpClient = http,
    Live = new LiveOptions(),
    Persistence = new FilePersistence(Path.Combine(root, name)),
    PushInterval = TimeSpan.FromMilliseconds(100),
    MaxRetryDelay = TimeSpan.FromMilliseconds(500),
});

static void Step(string text) => Console.WriteLine($"\n== {text}");

static void Say(string text) => Console.WriteLine($"   {text}");

static void Print(string who, TodoDb db)
{
    foreach (var todo in db.TodoItems.All())
    {
        Say($"{who}: {(todo.Done ? "[x]" : "[ ]")} {todo.Title}");
    }
}

static async Task Until(Func<bool> condition, string what)
{
    var deadline = DateTime.UtcNow.AddSeconds(20);
    while (!condition())
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"The demo timed out waiting until {what}.");
        }

        await Task.Delay(20);
    }

    Say($"ok: {what}");
}
