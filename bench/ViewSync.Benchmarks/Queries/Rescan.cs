using TodoSample;
using ViewSync.Store;

namespace ViewSync.Benchmarks.Queries;

/// <summary>
/// The rescan baseline: what <c>Find</c> and <c>All</c> did before live queries. Every entity of the type is read
/// from the store (subscribing to every value of the type) and decoded through a cache keyed by revision, then
/// filtered, sorted and windowed with LINQ.
/// </summary>
internal sealed class Rescan(TodoDb db)
{
    private readonly Dictionary<string, (long Revision, Todo Value)> _decoded = new(StringComparer.Ordinal);

    public List<Todo> OpenByTitle(int take)
    {
        var all = new List<Todo>();
        foreach (var entry in db.Store.Entries("todo"))
        {
            all.Add(Decode(entry));
        }

        return [.. all.Where(t => !t.Done).OrderBy(t => t.Title, StringComparer.Ordinal).Take(take)];
    }

    private Todo Decode(StoreEntry entry)
    {
        if (_decoded.TryGetValue(entry.Id, out var cached) && cached.Revision == entry.Revision)
        {
            return cached.Value;
        }

        var value = db.Todos.Type.Deserialize(entry.Json.Span);
        _decoded[entry.Id] = (entry.Revision, value);
        return value;
    }
}
