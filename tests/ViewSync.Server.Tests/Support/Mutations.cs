using System.Text.Json;
using ViewSync.Mutations;

namespace ViewSync.Server.Tests.Support;

/// <summary>Builds wire mutations for the Todo app as a client would send them.</summary>
internal static class Mutations
{
    private static long s_seq;

    public static Mutation Create(string id, string title, string scope = "user:1", bool done = false) =>
        Make("todo.create", Args(id, title, done), scope);

    public static Mutation Update(string id, string title, bool done, string scope = "user:1") =>
        Make("todo.update", Args(id, title, done), scope);

    public static Mutation Delete(string id, string scope = "user:1") => Make("todo.delete", $$"""{"id":"{{id}}"}""", scope);

    public static Mutation Toggle(string id, string scope = "user:1") => Make("todo.toggle", $$"""{"id":"{{id}}"}""", scope);

    public static Mutation Rename(string id, string title, string scope = "user:1") => Make("todo.rename", $$"""{"id":"{{id}}","title":"{{title}}"}""", scope);

    private static string Args(string id, string title, bool done) =>
        $$$"""{"id":"{{{id}}}","data":{"id":"{{{id}}}","title":"{{{title}}}","done":{{{(done ? "true" : "false")}}}}}""";

    public static Mutation Make(string name, string args, string scope = "user:1", string? id = null)
    {
        using var document = JsonDocument.Parse(args);
        return new Mutation(id ?? MutationIds.NewMutationId(), name, scope, "c0ffee0000000001", (ulong)Interlocked.Increment(ref s_seq), document.RootElement, DateTimeOffset.UnixEpoch);
    }
}
