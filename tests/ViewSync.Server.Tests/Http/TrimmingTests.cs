using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ViewSync.Server.Engine;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Http;

public sealed class TrimmingTests
{
    [Fact]
    public async Task A_pull_below_the_trimmed_log_answers_410_cursor_too_old()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        await using var server = await ServerHost.StartAsync(
            options => options.Retention = TimeSpan.FromMinutes(1),
            services => services.AddSingleton<TimeProvider>(clock));
        var engine = (SyncEngine)server.Engine;
        await server.PostAsync("push", """{"mutations":[{"id":"a","name":"todo.create","scope":"user:1","args":{"id":"t","data":{"id":"t","title":"x","done":false}}}]}""");

        Assert.Equal(0, await engine.TrimAsync()); // not old enough yet
        clock.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(1, await engine.TrimAsync());

        var (status, body) = await server.PostAsync("pull", """{"scope":"user:1","cursor":0}""");

        Assert.Equal(410, status);
        using var error = JsonDocument.Parse(body);
        Assert.Equal("cursor_too_old", error.RootElement.GetProperty("code").GetString());
        Assert.Equal(200, (await server.PostAsync("pull", """{"scope":"user:1","cursor":1}""")).Status);
        Assert.Contains("\"t\"", (await server.PostAsync("snapshot", """{"scope":"user:1"}""")).Body, StringComparison.Ordinal);
    }
}
