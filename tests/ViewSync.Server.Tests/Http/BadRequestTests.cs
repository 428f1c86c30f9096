using System.Text;
using System.Text.Json;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Http;

/// <summary>One test per kind of bad request: the documented status and code, and nothing changed.</summary>
public sealed class BadRequestTests : IAsyncLifetime
{
    private ServerHost _server = null!;

    public async Task InitializeAsync() => _server = await ServerHost.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Mutation(int i) =>
        $$$$"""{"id":"m{{{{i}}}}","name":"todo.create","scope":"user:1","args":{"id":"t{{{{i}}}}","data":{"id":"t{{{{i}}}}","title":"x","done":false}}}""";

    private async Task AssertRejectedAsync(string path, byte[] body, string expectedInError)
    {
        var (status, response) = await _server.PostAsync(path, body);

        Assert.Equal(400, status);
        using var error = JsonDocument.Parse(response);
        Assert.Equal("invalid_mutation", error.RootElement.GetProperty("code").GetString());
        Assert.Contains(expectedInError, error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        var snapshot = await _server.Engine.SnapshotAsync("user:1");
        Assert.Empty(snapshot.Data);
        Assert.Equal(0UL, snapshot.Cursor);
    }

    private Task AssertRejectedAsync(string path, string body, string expectedInError) =>
        AssertRejectedAsync(path, Encoding.UTF8.GetBytes(body), expectedInError);

    [Fact]
    public Task Malformed_json_is_refused() => AssertRejectedAsync("push", """{"mutations": [""" + Mutation(0), "not valid");

    [Fact]
    public Task Wrong_types_are_refused() => AssertRejectedAsync("push", Mutation(0).Replace("\"name\":\"todo.create\"", "\"name\":5", StringComparison.Ordinal).Insert(0, """{"mutations":[""") + "]}", "name");

    [Fact]
    public Task Missing_fields_are_refused() => AssertRejectedAsync("push", """{"mutations":[{"id":"m0","scope":"user:1","args":{}}]}""", "name");

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("18446744073709551615")]
    public Task A_pull_cursor_of_2_to_the_63_or_more_is_refused(string cursor) =>
        AssertRejectedAsync("pull", $$"""{"scope":"user:1","cursor":{{cursor}}}""", "beyond any log position");

    [Fact]
    public Task A_push_with_no_mutations_is_refused() => AssertRejectedAsync("push", """{"mutations":[]}""", "at least one mutation");

    [Fact]
    public Task A_push_body_without_mutations_is_refused() => AssertRejectedAsync("push", "{}", "at least one mutation");

    [Fact]
    public Task A_push_of_101_mutations_is_refused() =>
        AssertRejectedAsync("push", $$"""{"mutations":[{{string.Join(",", Enumerable.Range(0, 101).Select(Mutation))}}]}""", "at most 100");

    [Fact]
    public Task A_push_body_over_1_MiB_is_refused()
    {
        var padding = new string('x', (1 << 20) + 1);
        return AssertRejectedAsync("push", $$"""{"mutations":[{{Mutation(0)}}],"padding":"{{padding}}"}""", "larger than");
    }

    [Fact]
    public Task A_pull_body_over_64_KiB_is_refused() =>
        AssertRejectedAsync("pull", $$"""{"scope":"user:1","cursor":0,"padding":"{{new string('x', 64 << 10)}}"}""", "larger than");

    [Fact]
    public Task A_snapshot_body_over_64_KiB_is_refused() =>
        AssertRejectedAsync("snapshot", $$"""{"scope":"user:1","padding":"{{new string('x', 64 << 10)}}"}""", "larger than");

    [Fact]
    public Task A_negative_pull_limit_is_refused() => AssertRejectedAsync("pull", """{"scope":"user:1","cursor":0,"limit":-5}""", "negative");

    [Fact]
    public Task A_negative_cursor_is_refused() => AssertRejectedAsync("pull", """{"scope":"user:1","cursor":-1}""", "not valid");

    [Fact]
    public Task A_null_body_is_refused() => AssertRejectedAsync("snapshot", "null", "JSON null");

    [Fact]
    public async Task A_bad_mutation_in_a_batch_refuses_the_whole_batch()
    {
        await AssertRejectedAsync("push", $$"""{"mutations":[{{Mutation(0)}},{"id":"m1"}]}""", "not valid");
    }
}

/// <summary>Request hygiene: what used to be a 500 or a leak is a plain 4xx that names no .NET type.</summary>
public sealed class RequestHygieneTests : IAsyncLifetime
{
    private ServerHost _server = null!;

    public async Task InitializeAsync() => _server = await ServerHost.StartAsync(options => options.RequestBodyTimeout = TimeSpan.FromSeconds(1));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static void AssertPlain400(int status, string body)
    {
        Assert.Equal(400, status);
        using var error = JsonDocument.Parse(body);
        Assert.Equal("invalid_mutation", error.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ViewSync.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"mutations":[null]}""")]
    [InlineData("""{"mutations":[{"id":"","name":"todo.create","args":{}}]}""")]
    [InlineData("""{"mutations":[{"id":"  ","name":"todo.create","args":{}}]}""")]
    [InlineData("""{"mutations":[{"id":"\ud800","name":"todo.create","args":{}}]}""")]
    [InlineData("""{"mutations":[{"id":"a\udc00b","name":"todo.create","args":{}}]}""")]
    [InlineData("""{"mutations":[{"id":"a","name":"todo.create","scope":"\ud800","args":{}}]}""")]
    [InlineData("""{"mutations":[{"id":"a","name":"todo.create","args":{"id":"\ud800"}}]}""")]
    [InlineData("""{"mutations":[{"id":"a","name":"todo.create","scope":" ","args":{}}]}""")]
    [InlineData("""{"mutations":[{"id":5,"name":"todo.create","args":{}}]}""")]
    [InlineData("""{"mutations":{"id":"a"}}""")]
    public async Task Invalid_mutations_are_invalid_mutation_not_500(string body)
    {
        var (status, answer) = await _server.PostAsync("push", body);

        AssertPlain400(status, answer);
    }

    [Theory]
    [InlineData("pull", """{"scope":"user:1","cursor":"zero"}""")]
    [InlineData("pull", """{"scope":"user:1","cursor":1.5}""")]
    [InlineData("pull", """{"scope":7}""")]
    [InlineData("snapshot", """{"scope":"\udfff"}""")]
    [InlineData("snapshot", "[]")]
    public async Task Mistyped_queries_name_the_field_not_a_type(string route, string body)
    {
        var (status, answer) = await _server.PostAsync(route, body);

        AssertPlain400(status, answer);
    }

    [Fact]
    public async Task An_unknown_mutator_is_named_alone()
    {
        var (status, answer) = await _server.PostAsync("push", """{"mutations":[{"id":"u1","name":"nope","scope":"user:1","args":{}}]}""");

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(answer);
        Assert.Equal("Unknown mutator 'nope'.", json.RootElement.GetProperty("results")[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_stalled_body_is_408()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _server.Root.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /_sync/pull HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"scope\":"));
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var statusLine = await reader.ReadLineAsync(timeout.Token);

        Assert.StartsWith("HTTP/1.1 408", statusLine, StringComparison.Ordinal);
    }
}

/// <summary>The server checks entity data with the entity's JSON metadata before storing it.</summary>
public sealed class EntityValidationTests : IAsyncLifetime
{
    private ServerHost _server = null!;

    public async Task InitializeAsync() => _server = await ServerHost.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("""{"Id":"t4"}""", "title")]
    [InlineData("""{"id":"t4","done":false}""", "title")]
    [InlineData("""{"id":"t4","title":null,"done":false}""", "$.title")]
    [InlineData("""{"id":"t4","title":5,"done":false}""", "$.title")]
    [InlineData("""{"id":"t4","title":"x","done":"yes"}""", "$.done")]
    [InlineData("""{"title":"x","done":false}""", "id")]
    public async Task Data_that_does_not_fit_the_entity_is_refused_and_not_stored(string data, string named)
    {
        var (status, answer) = await _server.PostAsync("push", $$$"""{"mutations":[{"id":"v1","name":"todo.create","scope":"user:1","args":{"id":"t4","data":{{{data}}}}}]}""");

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(answer);
        var result = json.RootElement.GetProperty("results")[0];
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal("invalid_mutation", result.GetProperty("code").GetString());
        var error = result.GetProperty("error").GetString()!;
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("TodoSample", error, StringComparison.Ordinal);
        Assert.Empty((await _server.Engine.SnapshotAsync("user:1")).Data);
    }
}
