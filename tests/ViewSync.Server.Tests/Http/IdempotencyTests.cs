using System.Text.Json;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Http;

public sealed class IdempotencyTests
{
    [Fact]
    public async Task The_same_mutation_pushed_three_times_concurrently_over_http_applies_once()
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostAsync("push", """{"mutations":[{"id":"c","name":"todo.create","scope":"user:1","args":{"id":"t","data":{"id":"t","title":"x","done":false}}}]}""");
        const string toggle = """{"mutations":[{"id":"toggle-1","name":"todo.toggle","scope":"user:1","args":{"id":"t"}}]}""";

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => server.PostAsync("push", toggle)));
        var again = await server.PostAsync("push", toggle);

        Assert.All(answers.Append(again), a => Assert.Equal(200, a.Status));
        var cursors = answers.Append(again).Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("results")[0].GetProperty("cursor").GetUInt64()).Distinct();
        Assert.Equal([2UL], cursors);
        var snapshot = await server.Engine.SnapshotAsync("user:1");
        Assert.True(snapshot.Data["todo"]["t"].GetProperty("done").GetBoolean());
        Assert.Equal(2UL, snapshot.Cursor);
    }
}
