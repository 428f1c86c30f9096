using System.Text;
using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Store;

namespace ViewSync.Runtime.Tests.Persistence;

internal static class TestData
{
    public const string ClientId = "a1b2c3d4e5f60718";

    public static Mutation Mutation(ulong seq, string? id = null, int padding = 0)
    {
        var done = seq % 2 == 0 ? "true" : "false";
        var json = "{\"id\":\"e" + seq + "\",\"data\":{\"title\":\"item \\\"" + seq + "\\\" ü\",\"done\":" + done + ",\"pad\":\"" + new string('x', padding) + "\"}}";
        using var document = JsonDocument.Parse(json);
        return new Mutation(
            id ?? MutationIds.NewMutationId(), "todo.update", "user:1", ClientId, seq, document.RootElement,
            new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks((long)seq * 1234567));
    }

    public static StoreSnapshot Store(int todos = 3) =>
        new StoreSnapshot.Builder()
            .Add("todo", "a", """{"id":"a","title":"Buy milk"}"""u8)
            .Add("list", "l1", """{"id":"l1","name":"Groceries"}"""u8)
            .AddMany("todo", todos)
            .Build();

    private static StoreSnapshot.Builder AddMany(this StoreSnapshot.Builder builder, string entity, int count)
    {
        for (var i = 0; i < count; i++)
        {
            builder.Add(entity, $"t{i}", Encoding.UTF8.GetBytes($$"""{"id":"t{{i}}","n":{{i}}}"""));
        }

        return builder;
    }

    public static void AssertSameStore(StoreSnapshot expected, StoreSnapshot actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Entities.Keys.Order(StringComparer.Ordinal), actual.Entities.Keys.Order(StringComparer.Ordinal));
        foreach (var (entity, ids) in expected.Entities)
        {
            foreach (var (id, json) in ids)
            {
                Assert.True(actual.TryGet(entity, id, out var loaded), $"{entity}/{id} is missing");
                Assert.Equal(json.ToArray(), loaded.ToArray());
            }
        }
    }
}
