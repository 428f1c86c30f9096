using System.Text;
using System.Text.Json;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Http;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Eight_http_clients_pushing_500_mutations_each_leave_a_log_that_replays_to_the_snapshot()
    {
        await using var storages = new StorageFactory();
        await using var server = await ServerHost.StartAsync(options => options.UseSqlite(storages.DatabasePath, Storage.SqliteSynchronous.Normal));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = server.Http.BaseAddress };
            var random = new Random(client);
            for (var n = 0; n < 500; n += 25)
            {
                var mutations = Enumerable.Range(n, 25).Select(i =>
                {
                    var id = $"t{random.Next(40)}";
                    var (name, args) = random.Next(3) switch
                    {
                        0 => ("todo.create", $$$$"""{"id":"{{{{id}}}}","data":{"id":"{{{{id}}}}","title":"c{{{{client}}}}","done":false}}"""),
                        1 => ("todo.update", $$$$"""{"id":"{{{{id}}}}","data":{"id":"{{{{id}}}}","title":"u{{{{client}}}}-{{{{i}}}}","done":true}}"""),
                        _ => ("todo.delete", $$"""{"id":"{{id}}"}"""),
                    };
                    return $$"""{"id":"c{{client}}-{{i}}","name":"{{name}}","scope":"shared","args":{{args}}}""";
                });
                using var content = new StringContent($$"""{"mutations":[{{string.Join(",", mutations)}}]}""", Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("push", content);
                Assert.Equal(200, (int)response.StatusCode);
            }
        }))).WaitAsync(TimeSpan.FromMinutes(2));

        var replayed = new Dictionary<string, string>();
        var last = 0UL;
        for (ulong cursor = 0; ;)
        {
            var (_, body) = await server.PostAsync("pull", $$"""{"scope":"shared","cursor":{{cursor}},"limit":333}""");
            using var page = JsonDocument.Parse(body);
            foreach (var change in page.RootElement.GetProperty("changes").EnumerateArray())
            {
                var at = change.GetProperty("cursor").GetUInt64();
                Assert.True(at > last, $"cursor {at} after {last}: duplicate or out of order");
                last = at;
                var data = change.GetProperty("data");
                if (data.GetProperty("op").GetString() == "delete")
                {
                    replayed.Remove(data.GetProperty("id").GetString()!);
                }
                else
                {
                    replayed[data.GetProperty("id").GetString()!] = data.GetProperty("value").GetRawText();
                }
            }

            cursor = page.RootElement.GetProperty("next_cursor").GetUInt64();
            if (!page.RootElement.GetProperty("has_more").GetBoolean())
            {
                break;
            }
        }

        using var snapshot = JsonDocument.Parse((await server.PostAsync("snapshot", """{"scope":"shared"}""")).Body);
        var expected = snapshot.RootElement.GetProperty("data").TryGetProperty("todo", out var todos)
            ? todos.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText())
            : [];
        Assert.Equal(expected.OrderBy(e => e.Key), replayed.OrderBy(e => e.Key));
        Assert.NotEmpty(expected);
    }
}
