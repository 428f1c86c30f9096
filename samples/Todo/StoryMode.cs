using ViewSync;

namespace TodoSample;

/// <summary>
/// The ViewSync story in one run: two clients that converge, one going offline and coming back, and a
/// conflicting mutation rejected and reported. Returns 0 when both clients end up agreeing.
/// </summary>
internal static class StoryMode
{
    public static async Task<int> RunAsync(DemoServer server)
    {
        Step($"Server listening on {server.Address} (SQLite: {server.Database})");
        Step($"A and B are {DemoServer.User}'s two devices: each signs in (POST /auth/sign-in) and syncs user:{DemoServer.User} with a bearer token");

        var cableB = new NetworkSwitch();
        await using var a = server.Client("a", new NetworkSwitch());
        await using var b = server.Client("b", cableB);
        await a.StartAsync();
        await b.StartAsync();
        var dbA = new TodoDb(a);
        var dbB = new TodoDb(b);
        b.MutationRejected += (_, e) => Say($"B: the server rejected {e.Mutation.Name} ({e.Code}): {e.Error} — rolled back");
        using var viewB = new Effect(() => Say($"B sees {dbB.Todos.Count()} todos, {b.PendingCount.Get()} pending, {(b.Online.Get() ? "online" : "offline")}"));

        Step("A adds two todos");
        dbA.Todos.Create(new Todo("milk", "Buy milk", false));
        dbA.Todos.Create(new Todo("call", "Call mum", false));
        await Until(() => dbB.Todos.Count() == 2, "B receives them");

        Step("B ticks off 'Buy milk'");
        dbB.Mutate.Toggle("milk");
        await Until(() => dbA.Todos.Get("milk").Get()?.Done == true, "A sees it done");

        Step("A ticks off 'Call mum'");
        dbA.Mutate.Toggle("call");
        await Until(() => dbB.Todos.Get("call").Get()?.Done == true, "B sees it done");

        Step("B goes offline and keeps working");
        cableB.Offline = true;
        dbB.Todos.Create(new Todo("bread", "Bake bread", false));
        await Until(() => !b.Online.Get(), "B notices it is offline (its push failed)");
        dbB.Mutate.Rename("call", "Call mum back");
        Say($"B: {b.PendingCount.Get()} mutations wait in B's durable queue");

        Step("Meanwhile A deletes 'Call mum'");
        dbA.Todos.Get("call").Delete();
        await Until(() => a.PendingCount.Get() == 0, "the server has A's delete");

        Step("B comes back online");
        cableB.Offline = false;
        await Until(() => b.Online.Get() && b.PendingCount.Get() == 0 && dbA.Todos.Get("bread").Exists() && !dbB.Todos.Get("call").Exists(), "both converge");

        Step("Both clients now show the server's state");
        viewB.Dispose(); // the summary is the last word: no status line may follow it
        Print("A", dbA);
        Print("B", dbB);
        var same = dbA.Todos.All().SequenceEqual(dbB.Todos.All());
        Say(same ? "A and B agree." : "A and B DISAGREE.");
        return same ? 0 : 1;
    }

    private static void Step(string text) => Console.WriteLine($"\n== {text}");

    private static void Say(string text) => Console.WriteLine($"   {text}");

    private static void Print(string who, TodoDb db)
    {
        foreach (var todo in db.Todos.All())
        {
            Say($"{who}: {(todo.Done ? "[x]" : "[ ]")} {todo.Title}");
        }
    }

    private static async Task Until(Func<bool> condition, string what)
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
}
