using System.Text.Json.Serialization;
using ViewSync.Mutators;

namespace ViewSync.Generators.IntegrationTests;

[SyncEntity("todo")]
public sealed record Todo(string Id, [property: SyncIndex] string Title, [property: SyncIndex] bool Done, DateTimeOffset Created, IReadOnlyList<string> Tags);

[SyncEntity("category")]
public sealed record Category(string Id, string Name);

public static class TodoMutators
{
    [Mutator("todo.toggle")]
    public static void Toggle(TodoDb.Tx tx, string id)
    {
        var todo = tx.Todos.GetRequired(id);
        tx.Todos.Put(todo with { Done = !todo.Done });
    }

    [Mutator("todo.rename")]
    public static void Rename(TodoDb.Tx tx, string id, string title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            throw MutationRejectedException.Invalid("A todo needs a title.");
        }

        var todo = tx.Todos.GetRequired(id);
        tx.Todos.Put(todo with { Title = title });
    }

    [Mutator("todo.clear-done")]
    public static void ClearDone(TodoDb.Tx tx)
    {
        foreach (var todo in tx.Todos.All().Where(t => t.Done))
        {
            tx.Todos.Delete(todo.Id);
        }
    }

    [Mutator("todo.tag")]
    public static void Tag(TodoDb.Tx tx, string id, List<string> tags, int? limit = null)
    {
        var todo = tx.Todos.GetRequired(id);
        tx.Todos.Put(todo with { Tags = limit is { } max ? [.. tags.Take(max)] : tags });
    }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Todo))]
[JsonSerializable(typeof(Category))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class AppJson : JsonSerializerContext;

[SyncDatabase(typeof(AppJson))]
public sealed partial class TodoDb;
