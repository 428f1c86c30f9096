using System.Text;
using System.Text.Json;
using ViewSync.Mutators;

namespace ViewSync.Tests.Journal;

/// <summary>
/// Mutators for journal tests. <c>counter.add</c> is not idempotent, so applying a mutation twice (or
/// losing one) shows in the value; <c>note.append</c> throws a plain exception when its note is gone,
/// as app code does after another client deleted what it reads.
/// </summary>
internal static class CounterMutators
{
    public static MutatorTable Table { get; } = new MutatorTable.Builder()
        .Add("counter.add", (tx, args) =>
        {
            var id = args.GetString("id");
            tx.Put("counter", id, Counter(Value(tx, "counter", id) + args.GetInt32("n")));
        })
        .Add("note.put", (tx, args) => tx.Put("note", args.GetString("id"), Note(args.GetString("text"))))
        .Add("note.append", (tx, args) =>
        {
            var id = args.GetString("id");
            if (!tx.TryGet("note", id, out var json))
            {
                throw new InvalidOperationException($"note {id} is gone");
            }

            var text = JsonDocument.Parse(json).RootElement.GetProperty("text").GetString();
            tx.Put("note", id, Note(text + args.GetString("text")));
        })
        .Add("note.delete", (tx, args) => tx.Delete("note", args.GetString("id")))
        .Build();

    public static byte[] Counter(long value) => Encoding.UTF8.GetBytes($$"""{"v":{{value}}}""");

    public static byte[] Note(string? text) => [.. "{\"text\":"u8, .. JsonSerializer.SerializeToUtf8Bytes(text ?? "", TestJson.Default.String), .. "}"u8];

    public static long Value(IEntityReader state, string entity, string id) =>
        state.TryGet(entity, id, out var json) ? JsonDocument.Parse(json).RootElement.GetProperty("v").GetInt64() : 0;

    public static JsonElement Args(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
