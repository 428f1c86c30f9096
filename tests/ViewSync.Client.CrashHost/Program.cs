using System.Diagnostics;
using System.Globalization;
using TodoSample;
using ViewSync;
using ViewSync.Client.CrashHost;
using ViewSync.Persistence;

// Usage: <sync base url> <persistence dir> <prefix>
//   Creates todos forever, printing each id as soon as Create returns (no flush). The test kills it at random.
// Usage: live <sync base url> <persistence dir> <run> <seed>
//   Syncs live and mutates in bursts, each a tight loop (KillWorkload steps, no flush), printing "m <step> <mutation id> ."
//   as soon as each Mutate returns, "s <cursor> <ms>" after each sync cycle, "w <ms> <step> <gc pause ms> <compactions>"
//   after a Mutate that took 20 ms or more, and "t <phase> ..." timings; between bursts it waits until a sync cycle
//   leaves at most Backlog mutations pending. The live kill test kills it at random.
if (args.Length > 0 && args[0] == "live")
{
    await LiveAsync(new Uri(args[1]), args[2], int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
    return;
}

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
    db.Todos.Create(new Todo(id, "from a client that will be killed", false));
    Console.Out.WriteLine(id); // no FlushAsync: a returned Create is in the journal as far as a killed process goes
    Console.Out.Flush();
}

static async Task LiveAsync(Uri baseUrl, string directory, int run, int seed)
{
    const int Backlog = 100;
    const double SlowMutate = 20; // ms: a Mutate that took this long is reported
    var main = DateTime.Now - Process.GetCurrentProcess().StartTime;
    var clock = Stopwatch.StartNew();
    var output = Console.Out;
    output.WriteLine($"t main {main.TotalMilliseconds:F0}");
    await using var client = new SyncClient(KillDb.Mutators, new SyncClientOptions
    {
        BaseUrl = baseUrl,
        Scope = "kill",
        Persistence = new FilePersistence(directory),
        Live = new LiveOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) },
        PushInterval = TimeSpan.FromMilliseconds(50),
        PullInterval = TimeSpan.FromMilliseconds(500),
        MaxRetryDelay = TimeSpan.FromSeconds(1),
    });
    var synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    client.Synced += (_, e) =>
    {
        if (synced.TrySetResult())
        {
            output.WriteLine($"t sync {clock.Elapsed.TotalMilliseconds:F0}");
        }

        output.WriteLine($"s {e.Cursor} {clock.Elapsed.TotalMilliseconds:F0}");
        if (client.PendingCount.Peek() <= Backlog)
        {
            Volatile.Read(ref caughtUp).TrySetResult();
        }
    };
    client.MutationRejected += (_, e) => Console.Error.WriteLine($"rejected {e.Mutation.Name} {e.Mutation.Id}: {e.Code}");
    var journal = new FileInfo(Path.Combine(directory, FilePersistence.JournalFileName));
    output.WriteLine($"t journal {(journal.Exists ? journal.Length : 0)}");
    await client.StartAsync();
    var db = new KillDb(client);
    output.WriteLine($"t open {clock.Elapsed.TotalMilliseconds:F0} {db.KillItems.Count()} {client.PendingCount.Peek()}");
    if (db.KillItems.Count() < KillWorkload.SeededItems)
    {
        // A fresh directory: the first snapshot brings the seeded items the steps add to.
        await synced.Task;
    }

    var steps = new KillWorkload.Steps(run, seed);
    var bursts = new Random(~seed);
    for (var n = 0; ;)
    {
        // A burst in a tight loop: nothing awaited, nothing flushed; a returned Mutate is printed at once.
        for (var end = n + bursts.Next(1, 400); n < end; n++)
        {
            var step = steps.Next();
            var started = clock.Elapsed;
            var paused = GC.GetTotalPauseDuration();
            var compactions = client.Replica.JournalCompactions;
            var id = step.IsMake ? db.Mutate.Make(step.Id) : db.Mutate.Add(step.Id, step.Amount);
            output.WriteLine($"m {n} {id} .");
            if (clock.Elapsed - started is { TotalMilliseconds: >= SlowMutate } took)
            {
                // With what the garbage collector paused meanwhile, and whether a compaction committed.
                output.WriteLine($"w {took.TotalMilliseconds:F0} {n} {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} {client.Replica.JournalCompactions - compactions}");
            }
        }

        // Then let the server catch up (a cycle that leaves little pending), as an app's bursts of edits would:
        // a client that writes faster than the server applies, forever, would only grow its queue.
        if (client.PendingCount.Peek() > Backlog)
        {
            Volatile.Write(ref caughtUp, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (client.PendingCount.Peek() > Backlog)
            {
                await Volatile.Read(ref caughtUp).Task;
            }
        }
    }
}
