using TodoSample;
using ViewSync.Store;

namespace ViewSync.Benchmarks.Queries;

/// <summary>Todos for the query benchmarks: ids <c>t{i}</c>, titles that sort by i, every even one done.</summary>
internal static class QueryData
{
    public static string Title(int i) => $"title {i:D7}";

    public static TodoDb Database(int count, Func<int, string>? title = null)
    {
        var db = new TodoDb();
        var builder = new StoreSnapshot.Builder();
        for (var i = 0; i < count; i++)
        {
            builder.Add("todo", $"t{i}", db.Todos.Type.Serialize(new Todo($"t{i}", (title ?? Title)(i), i % 2 == 0)));
        }

        db.Store.Load(builder.Build());
        return db;
    }

    /// <summary>Two values of one todo to alternate between, so every write really changes it.</summary>
    public static byte[][] Alternating(TodoDb db, string id, string title1, string title2, bool done) =>
        [db.Todos.Type.Serialize(new Todo(id, title1, done)), db.Todos.Type.Serialize(new Todo(id, title2, done))];
}
