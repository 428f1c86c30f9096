using TodoSample;
using ViewSync;
using ViewSync.Persistence;

// Usage: <sync base url> <persistence dir> <prefix>
// Creates todos forever, printing each id once its mutation is durable on disk. The test kills it at random.
var (baseUrl, directory, prefix) = (new Uri(args[0]), args[1], args[2]);
await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
{
    BaseUrl = baseUrl,
    Scope = "crash",
    Persistence = new FilePersistence(directory),
    PushInterval = TimeSpan.FromMilliseconds(50),
    PullInterval = TimeSpan.FromMilliseconds(100),
});
await client.StartAsync();
var db = new TodoDb(client);
for (var n = 0; ; n++)
{
    var id = $"{prefix}-{n}";
    db.TodoItems.Create(new TodoItem(id, "from a client that will be killed", false));
    await client.FlushAsync();
    Console.Out.WriteLine(id);
    Console.Out.Flush();
}
