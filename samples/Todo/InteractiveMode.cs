using ViewSync;
using ViewSync.Mutators;

namespace TodoSample;

/// <summary>
/// One client you drive by typing commands, against the in-process server. Todos are named by their
/// number in the last list. Reads commands until <c>quit</c> or the end of the input.
/// </summary>
internal static class InteractiveMode
{
    private const string Help = """
        Commands:
          add <title>            add a todo
          toggle <n>             tick todo n off, or on again
          rename <n> <title>     rename todo n (the server rejects an empty title)
          delete <n>             delete todo n
          list [open|done]       show the todos (all, or only the open or done ones)
          offline | online       pull or plug the network cable
          sync                   push and pull now, and wait for it
          status                 online, pending mutations, cursor, last sync, last error
          help                   this text
          quit                   leave (pending mutations stay in the durable queue)
        """;

    public static async Task<int> RunAsync(DemoServer server, TextReader input, TextWriter output)
    {
        var cable = new NetworkSwitch();
        await using var client = server.Client("you", cable);
        client.MutationRejected += (_, e) => output.WriteLine($"! the server rejected {e.Mutation.Name} ({e.Code}): {e.Error} — rolled back");
        await client.StartAsync();
        var db = new TodoDb(client);

        // Live queries, built once and kept up to date as todos change: numbers follow the full list (by id).
        using var lists = new Lists(db.Todos.Query(), db.Todos.ByDone(false), db.Todos.ByDone(true));

        output.WriteLine($"ViewSync Todo, interactive. Server on {server.Address}, signed in as {DemoServer.User}; type `help`.");
        while (true)
        {
            output.Write("> ");
            output.Flush();
            if (await input.ReadLineAsync() is not { } line)
            {
                return 0;
            }

            var (command, rest) = Split(line.Trim());
            try
            {
                switch (command)
                {
                    case "":
                        break;
                    case "add" when rest.Length > 0:
                        db.Todos.Create(new Todo($"t{DateTime.UtcNow.Ticks:x}", rest, false));
                        List(lists, lists.All, output);
                        break;
                    case "toggle":
                        db.Mutate.Toggle(Pick(lists, rest).Id);
                        List(lists, lists.All, output);
                        break;
                    case "rename":
                        var (number, title) = Split(rest);
                        db.Mutate.Rename(Pick(lists, number).Id, title);
                        List(lists, lists.All, output);
                        break;
                    case "delete":
                        db.Todos.Get(Pick(lists, rest).Id).Delete();
                        List(lists, lists.All, output);
                        break;
                    case "list":
                        List(lists, rest switch { "open" => lists.Open, "done" => lists.Done, _ => lists.All }, output);
                        break;
                    case "offline" or "online":
                        cable.Offline = command == "offline";
                        output.WriteLine($"the network is {(cable.Offline ? "unplugged" : "plugged in")}");
                        break;
                    case "sync":
                        await client.SyncAsync();
                        output.WriteLine($"synced: cursor {client.Cursor}, {client.PendingCount.Get()} pending");
                        break;
                    case "status":
                        output.WriteLine($"{(client.Online.Get() ? "online" : "offline")}, {client.PendingCount.Get()} pending, cursor {client.Cursor}, " +
                            $"last sync {client.LastSyncTime.Get()?.ToString("HH:mm:ss") ?? "never"}, last error: {client.LastError.Get()?.Message ?? "none"}");
                        break;
                    case "help":
                        output.WriteLine(Help);
                        break;
                    case "quit" or "exit":
                        return 0;
                    default:
                        output.WriteLine($"? unknown command '{line.Trim()}'; type `help`");
                        break;
                }
            }
            catch (Exception e) when (e is ArgumentException or HttpRequestException or SyncException or MutationRejectedException)
            {
                output.WriteLine($"! {e.Message}");
            }
        }
    }

    private static (string Word, string Remainder) Split(string text)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text.ToLowerInvariant(), "") : (text[..space].ToLowerInvariant(), text[(space + 1)..].Trim());
    }

    private static Todo Pick(Lists lists, string number)
    {
        var todos = lists.All;
        return int.TryParse(number, out var n) && n >= 1 && n <= todos.Count
            ? todos[n - 1]
            : throw new ArgumentException($"There is no todo '{number}': give its number from `list` (1 to {todos.Count}).");
    }

    private static void List(Lists lists, LiveQuery<Todo> shown, TextWriter output)
    {
        // Read together (one lock hold), so a pull landing in between cannot make them disagree.
        var (todos, all) = Reactive.Batch(() => (shown.Snapshot(), lists.All.Snapshot()));
        if (todos.Count == 0)
        {
            output.WriteLine("(no todos)");
            return;
        }

        var numbers = all.Select((todo, i) => (todo.Id, Number: i + 1)).ToDictionary(p => p.Id, p => p.Number, StringComparer.Ordinal);
        foreach (var todo in todos)
        {
            output.WriteLine($"{numbers[todo.Id]}. {(todo.Done ? "[x]" : "[ ]")} {todo.Title}");
        }
    }

    /// <summary>The session's live lists: every todo (in id order, which numbers them), the open ones and the done ones.</summary>
    private sealed record Lists(LiveQuery<Todo> All, LiveQuery<Todo> Open, LiveQuery<Todo> Done) : IDisposable
    {
        public void Dispose()
        {
            All.Dispose();
            Open.Dispose();
            Done.Dispose();
        }
    }
}
