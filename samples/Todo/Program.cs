using TodoSample;
using ViewSync;
using ViewSync.Mutators;
using ViewSync.Persistence;

// A local-first walk-through: reactive reads, optimistic mutations, a rejected mutation, and a
// restart that restores pending work from disk.
var directory = Path.Combine(Path.GetTempPath(), $"viewsync-todo-{Environment.ProcessId}");
try
{
    Console.WriteLine("== Session 1: work locally ==");
    await using (var persistence = new FilePersistence(directory))
    {
        var db = await OpenAsync(persistence);
        var pendingWrites = new List<Task>();
        db.Replica.MutationQueued += (_, e) => pendingWrites.Add(persistence.AppendAsync(e.Mutation).AsTask());

        var open = new Computed<int>(() => db.TodoItems.Find(t => !t.Done).Count);
        using var summary = new Effect(() =>
            Console.WriteLine($"   [view] {open.Get()} open of {db.TodoItems.Count()}, {db.PendingCount.Get()} pending"));

        Console.WriteLine("-> add three todos");
        db.TodoItems.Create(new TodoItem("milk", "Buy milk", false));
        db.TodoItems.Create(new TodoItem("bread", "Buy bread", false));
        db.TodoItems.Create(new TodoItem("call", "Call mum", false));

        Console.WriteLine("-> toggle 'milk' and rename it");
        db.Mutate.Toggle("milk");
        db.Mutate.Rename("milk", "Buy oat milk");

        Console.WriteLine("-> rename with an empty title");
        try
        {
            db.Mutate.Rename("bread", "");
        }
        catch (MutationRejectedException e)
        {
            Console.WriteLine($"   rejected ({e.Code}): {e.Message}");
        }

        await Task.WhenAll(pendingWrites);
        Console.WriteLine($"   {db.PendingCount.Get()} mutations are on disk, waiting for a server");
    }

    Console.WriteLine("== Session 2: restart and restore ==");
    await using (var persistence = new FilePersistence(directory))
    {
        var db = await OpenAsync(persistence);
        foreach (var todo in db.TodoItems.All())
        {
            Console.WriteLine($"   {(todo.Done ? "[x]" : "[ ]")} {todo.Title}");
        }

        Console.WriteLine($"   {db.PendingCount.Get()} pending mutations restored, in order: {string.Join(", ", db.Replica.Pending().Select(m => m.Name))}");
    }

    return 0;
}
finally
{
    Directory.Delete(directory, recursive: true);
}

static async Task<TodoDb> OpenAsync(FilePersistence persistence)
{
    var state = await persistence.LoadAsync();
    foreach (var problem in state.Problems)
    {
        Console.WriteLine($"   storage problem: {problem.Description}");
    }

    var db = new TodoDb();
    db.Replica.Restore(state.Store, state.Pending, state.ClientId, state.LastSeq);
    return db;
}
