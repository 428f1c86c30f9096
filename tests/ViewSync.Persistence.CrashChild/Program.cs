using System.Globalization;
using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Persistence;

// Usage: ViewSync.Persistence.CrashChild <directory> <seed>
// Appends mutations (and now and then removes the oldest few) until it is killed. Every step is
// announced on stdout before it starts ("a"/"r") and after its task completed ("A"/"R"), so the
// test knows what is acknowledged and what may be in flight. Console output is flushed per line.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: ViewSync.Persistence.CrashChild <directory> <seed>");
    return 2;
}

var random = new Random(int.Parse(args[1], CultureInfo.InvariantCulture));
await using var persistence = new FilePersistence(args[0], new FilePersistenceOptions { CompactionThresholdBytes = 4096 });
var state = await persistence.LoadAsync();
var factory = new MutationFactory(state.ClientId, "crash:test", state.LastSeq);
var pending = new Queue<string>(state.Pending.Select(m => m.Id));
Console.WriteLine($"L {state.Pending.Count} {state.LastSeq}");

for (var step = 0; ; step++)
{
    // Removing more than is appended keeps the queue short, so most of the journal turns dead and compaction runs often.
    if (pending.Count > 8 && random.Next(2) == 0)
    {
        var ids = Enumerable.Range(0, random.Next(1, 6)).Select(_ => pending.Dequeue()).ToList();
        var line = string.Join(' ', ids);
        Console.WriteLine($"r {line}");
        await persistence.RemoveAsync(ids);
        Console.WriteLine($"R {line}");
    }
    else
    {
        // Random sizes so records straddle compaction thresholds differently each run.
        using var payload = JsonDocument.Parse($$$"""{"id":"e{{{step}}}","data":{"pad":"{{{new string('p', random.Next(400))}}}"}}""");
        var mutation = factory.Create("crash.append", payload.RootElement);
        Console.WriteLine($"a {mutation.Id} {mutation.Seq}");
        await persistence.AppendAsync(mutation);
        Console.WriteLine($"A {mutation.Id} {mutation.Seq}");
        pending.Enqueue(mutation.Id);
    }
}
