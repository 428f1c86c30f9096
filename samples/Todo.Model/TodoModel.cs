using System.Text.Json;
using System.Text.Json.Serialization;
using ViewSync;
using ViewSync.Mutators;

namespace TodoSample;

/// <summary>A todo item, synchronised as entity <c>todo</c>; indexed by <see cref="Done"/> for the open and done lists (<c>db.Todos.ByDone(false)</c>).</summary>
[SyncEntity("todo")]
public sealed record Todo(string Id, string Title, [property: SyncIndex] bool Done);

/// <summary>The app's mutators: they run optimistically on the client and authoritatively on the server.</summary>
public static class TodoMutators
{
    /// <summary>Flips a todo between open and done.</summary>
    [Mutator("todo.toggle")]
    public static void Toggle(TodoDb.Tx tx, string id)
    {
        var todo = tx.Todos.GetRequired(id);
        tx.Todos.Put(todo with { Done = !todo.Done });
    }

    /// <summary>Renames a todo; an empty title is rejected.</summary>
    [Mutator("todo.rename")]
    public static void Rename(TodoDb.Tx tx, string id, string title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            throw MutationRejectedException.Invalid("A todo needs a title.");
        }

        tx.Todos.Put(tx.Todos.GetRequired(id) with { Title = title });
    }
}

/// <summary>
/// JSON metadata for the entities, generated at build time (no reflection, AOT-safe). Its options
/// choose the wire names: the web defaults (camelCase), so a todo travels as
/// <c>{"id","title","done"}</c>, as PROTOCOL.md's examples and any JavaScript or Go app sharing the server.
/// Required constructor parameters and nullable annotations are respected, so the server, which
/// checks entity data with this metadata, refuses a todo without a title or with a null one.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Todo))]
public sealed partial class AppJson : JsonSerializerContext;

/// <summary>The typed database: <c>db.Todos</c>, <c>db.Mutate.Toggle(...)</c>, generated.</summary>
[SyncDatabase(typeof(AppJson))]
public sealed partial class TodoDb;
