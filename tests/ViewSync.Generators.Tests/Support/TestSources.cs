namespace ViewSync.Generators.Tests.Support;

/// <summary>Inputs shared by the generator tests: the Todo app of the docs, and variations.</summary>
internal static class TestSources
{
    public const string TodoEntities = """
        using System;
        using System.Collections.Generic;
        using ViewSync;

        namespace TodoApp;

        [SyncEntity("todo")]
        public sealed partial record Todo(string Id, string Title, bool Done, DateTimeOffset Created, IReadOnlyList<string> Tags);

        [SyncEntity("category")]
        public sealed record Category(string Id, string Name);

        [SyncEntity("status", CollectionName = "StatusList")]
        public sealed record Status(string Id, string Label);
        """;

    public const string TodoMutators = """
        using System.Collections.Generic;
        using ViewSync;
        using ViewSync.Mutators;

        namespace TodoApp;

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
                if (title.Length == 0)
                {
                    throw MutationRejectedException.Invalid("A title cannot be empty.");
                }

                var todo = tx.Todos.GetRequired(id);
                tx.Todos.Put(todo with { Title = title });
            }

            [Mutator("todo.tag")]
            public static void Tag(TodoDb.Tx tx, string id, List<string> tags, int? limit = null, string note = "none")
            {
                var todo = tx.Todos.GetRequired(id);
                tx.Todos.Put(todo with { Tags = limit is { } max && tags.Count > max ? tags.GetRange(0, max) : tags });
            }
        }
        """;

    public const string TodoDatabase = """
        using System.Text.Json.Serialization;
        using ViewSync;

        namespace TodoApp;

        [JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
        [JsonSerializable(typeof(Todo))]
        [JsonSerializable(typeof(Category))]
        [JsonSerializable(typeof(Status))]
        [JsonSerializable(typeof(System.Collections.Generic.List<string>))]
        internal partial class AppJson : JsonSerializerContext;

        [SyncDatabase(typeof(AppJson))]
        public partial class TodoDb;
        """;

    public static string[] Todo => [TodoEntities, TodoMutators, TodoDatabase];
}
