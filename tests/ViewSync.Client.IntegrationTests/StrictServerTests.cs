using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ViewSync.Client.IntegrationTests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary>The strict test server itself behaves as PROTOCOL.md says the Go engine does, so tests against it mean something.</summary>
public sealed class StrictServerTests : IAsyncLifetime
{
    private const string Create = """{"id":"m1","name":"todo.create","scope":"user:1","args":{"id":"a","data":{"id":"a","title":"Milk","done":false}}}""";

    private StrictServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await StrictServer.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_server.Root, "_sync/") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(int Status, string Body)> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("push", """{"mutations":[{"id":"m1","name":"todo.create","scope":"user:1","client":"c","seq":1,"args":{}}]}""", "client")]
    [InlineData("push", """{"mutations":[],"extra":1}""", "extra")]
    [InlineData("pull", """{"scope":"user:1","cursor":0,"since":5}""", "since")]
    [InlineData("snapshot", """{"scope":"user:1","full":true}""", "full")]
    public async Task Unknown_request_fields_refuse_the_whole_request(string path, string body, string field)
    {
        var (status, answer) = await PostAsync(path, body);

        Assert.Equal(400, status);
        Assert.Equal($$"""{"code":"invalid_mutation","error":"json: unknown field \u0022{{field}}\u0022"}""", answer);
        Assert.Single(_server.Refusals);
        Assert.Equal(0UL, _server.Store.Head);
    }

    [Fact]
    public async Task Batches_are_capped_at_100_mutations_and_1_MiB()
    {
        var tooMany = $$"""{"mutations":[{{string.Join(",", Enumerable.Range(0, 101).Select(i => Create.Replace("m1", $"m{i}", StringComparison.Ordinal)))}}]}""";
        var tooBig = $$"""{"mutations":[{{Create.Replace("Milk", new string('x', 1 << 20), StringComparison.Ordinal)}}]}""";

        Assert.Equal(400, (await PostAsync("push", tooMany)).Status);
        Assert.Equal(400, (await PostAsync("push", tooBig)).Status);
        Assert.Equal(400, (await PostAsync("push", """{"mutations":[]}""")).Status);
        Assert.Equal(0UL, _server.Store.Head);
    }

    [Fact]
    public async Task Answers_omit_empty_fields_and_an_empty_page_has_null_changes_and_no_cursor()
    {
        Assert.Equal((200, """{"changes":null}"""), await PostAsync("pull", """{"scope":"user:1","cursor":0}"""));
        Assert.Equal((200, """{"data":{}}"""), await PostAsync("snapshot", """{"scope":"user:1"}"""));

        var (_, pushed) = await PostAsync("push", $$"""{"mutations":[{{Create}}]}""");
        var (_, page) = await PostAsync("pull", """{"scope":"user:1","cursor":0,"limit":1}""");

        Assert.Matches("""^\{"results":\[\{"ok":true,"cursor":1,"changes":\[\{"cursor":1,"scope":"user:1","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z","data":\{"entity":"todo","id":"a","op":"create","value":\{"id":"a","title":"Milk","done":false\}\}\}\]\}\]\}$""", pushed);
        Assert.Matches("""^\{"changes":\[\{"cursor":1,.*\}\],"next_cursor":1\}$""", page); // no has_more: it is false
        Assert.Equal((200, """{"changes":null}"""), await PostAsync("pull", """{"scope":"user:1","cursor":1}"""));
    }

    [Fact]
    public async Task A_replay_answers_the_scopes_current_cursor_and_a_conflict_has_no_code()
    {
        await PostAsync("push", $$"""{"mutations":[{{Create}}]}""");
        await PostAsync("push", """{"mutations":[{"id":"m2","name":"todo.toggle","scope":"user:1","args":{"id":"a"}}]}""");

        var (_, replay) = await PostAsync("push", $$"""{"mutations":[{{Create}}]}""");
        var (_, conflict) = await PostAsync("push", """{"mutations":[{"id":"m3","name":"todo.toggle","scope":"user:1","args":{"id":"nope"}}]}""");

        Assert.Equal("""{"results":[{"ok":true,"cursor":2}]}""", replay);
        Assert.Equal("""{"results":[{"ok":false,"error":"sync: conflict"}]}""", conflict);
    }

    [Fact]
    public async Task A_forbidden_scope_is_a_403_with_code_internal_error()
    {
        var (status, body) = await PostAsync("pull", """{"scope":"forbidden","cursor":0}""");

        Assert.Equal(403, status);
        Assert.Equal("internal_error", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Cursors_are_global_so_a_scope_sees_them_skip()
    {
        await PostAsync("push", $$"""{"mutations":[{{Create}}]}""");
        await PostAsync("push", """{"mutations":[{"id":"o1","name":"todo.create","scope":"user:2","args":{"id":"b","data":{"id":"b","title":"x","done":false}}}]}""");
        await PostAsync("push", $$"""{"mutations":[{{Create.Replace("m1", "m2", StringComparison.Ordinal).Replace("\"a\"", "\"c\"", StringComparison.Ordinal)}}]}""");

        var (_, page) = await PostAsync("pull", """{"scope":"user:1","cursor":0}""");

        var cursors = JsonDocument.Parse(page).RootElement.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("cursor").GetUInt64());
        Assert.Equal([1UL, 3UL], cursors);
    }
}
