using ViewSync;
using ViewSync.Persistence;
using ViewSync.Tests.Journal;

// Usage: ViewSync.Persistence.CrashChild <directory> <seed>
// Opens a replica over a FilePersistence and runs the journal workload (mutations, pages, rejections,
// snapshots, flushes, and compactions at 16 KiB) until it is killed. It prints what it loaded
// ("L state"), then for every step the state the journal holds if the step completes ("N state")
// and, once the step returned, the state it left ("D state"). Each line ends with " ." so a line the
// kill cut short is recognised. Nothing waits for a flush: a returned step must survive a kill.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: ViewSync.Persistence.CrashChild <directory> <seed>");
    return 2;
}

var replica = new Replica(CounterMutators.Table);
var opened = await replica.OpenAsync(
    new FilePersistence(args[0]),
    new JournalOptions { CompactionThresholdBytes = 16 * 1024 });
foreach (var problem in opened.Problems)
{
    Console.Error.WriteLine(problem);
}

var workload = new JournalWorkload(replica, new Random(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)));
Console.WriteLine($"L {workload.Current} .");
while (true)
{
    await workload.StepAsync(next => Console.WriteLine($"N {next} ."));
    Console.WriteLine($"D {workload.Current} .");
}
