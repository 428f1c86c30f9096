using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Security;

/// <summary>samples/Todo.Server as shipped (a child process): real JWT bearer authentication behind its demo sign-in.</summary>
public sealed class SampleServerTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"viewsync-sample-auth-{Guid.NewGuid():N}");
    private ServerProcess _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _server = await ServerProcess.StartAsync(Path.Combine(_directory, "todo.db"));
        // No cookie jar: each request carries exactly the credentials the test gives it.
        _http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = _server.Root, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_signed_in_user_syncs_her_own_scope_and_nobody_else_syncs_anything()
    {
        var (status, body, response) = await PostAsync("auth/sign-in", """{"user":"alice"}""");
        Assert.Equal(200, status);
        using var answer = JsonDocument.Parse(body);
        var token = answer.RootElement.GetProperty("access_token").GetString()!;
        Assert.Equal("Bearer", answer.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(3600, answer.RootElement.GetProperty("expires_in").GetInt64());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"todo_token={token};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(401, (await PostAsync("_sync/pull", """{"scope":"user:alice","cursor":0}""")).Status);
        Assert.Equal(200, (await PostAsync("_sync/pull", """{"scope":"user:alice","cursor":0}""", token)).Status);
        Assert.Equal(200, (await PostAsync("_sync/pull", """{"scope":"me","cursor":0}""", token)).Status);
        Assert.Equal(403, (await PostAsync("_sync/pull", """{"scope":"user:bob","cursor":0}""", token)).Status);
        Assert.Equal(403, (await PostAsync("_sync/snapshot", """{"scope":"_default"}""", token)).Status);
        Assert.Equal(401, (await PostAsync("_sync/pull", """{"scope":"user:alice","cursor":0}""", token[..^4] + "AAAA")).Status);
        Assert.Equal(200, (await PostAsync("_sync/snapshot", """{"scope":"user:alice"}""", cookie: token)).Status);
    }

    [Fact]
    public async Task The_live_handshake_takes_the_token_from_a_header_or_the_cookie_and_refuses_none()
    {
        using var answer = JsonDocument.Parse((await PostAsync("auth/sign-in", """{"user":"alice"}""")).Body);
        var token = answer.RootElement.GetProperty("access_token").GetString()!;
        var live = new Uri($"ws://{_server.Root.Authority}/_live?scope=user%3Aalice");

        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeAsync(live, _ => { }));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeAsync(live, o => o.SetRequestHeader("Authorization", "Bearer " + token)));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeAsync(live, o =>
        {
            o.Cookies = new CookieContainer();
            o.Cookies.Add(new Cookie("todo_token", token, "/", _server.Root.Host));
        }));
    }

    [Theory]
    [InlineData("""{"user":""}""", 400)]
    [InlineData("""{"user":"a b"}""", 400)]
    [InlineData("""{"user":"user:bob"}""", 400)]
    [InlineData("""{"name":"alice"}""", 400)]
    [InlineData("""{"user":""", 400)]
    [InlineData("""{"user":"alice"}""", 415, "text/plain")]
    public async Task A_bad_sign_in_is_refused_with_a_reason_and_no_token(string body, int expected, string contentType = "application/json")
    {
        var (status, answer, response) = await PostAsync("auth/sign-in", body, contentType: contentType);

        Assert.Equal(expected, status);
        Assert.Contains("\"error\"", answer, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private async Task<(int Status, string Body, HttpResponseMessage Response)> PostAsync(string path, string body, string? token = null, string? cookie = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", $"todo_token={cookie}");
        }

        var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static async Task<HttpStatusCode> HandshakeAsync(Uri live, Action<ClientWebSocketOptions> configure)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure(socket.Options);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(live, timeout.Token);
        }
        catch (WebSocketException)
        {
        }

        return socket.HttpStatusCode;
    }
}
