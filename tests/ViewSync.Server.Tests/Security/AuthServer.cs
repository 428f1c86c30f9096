using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using ViewSync.Server.Http;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Security;

/// <summary>The server with real JWT bearer authentication and a scope resolver, and requests as a caller would send them.</summary>
internal sealed class AuthServer : IAsyncDisposable
{
    private AuthServer(ServerHost host, TestTokens tokens, CapturedLogs logs)
    {
        Host = host;
        Tokens = tokens;
        Logs = logs;
    }

    public ServerHost Host { get; }

    public TestTokens Tokens { get; }

    public CapturedLogs Logs { get; }

    /// <summary>Starts a server whose callers own <c>user:{sub}</c> (and may call it <c>me</c>) unless <paramref name="configure"/> says otherwise.</summary>
    public static async Task<AuthServer> StartAsync(Action<ViewSyncServerOptions>? configure = null)
    {
        var tokens = new TestTokens();
        var logs = new CapturedLogs();
        var host = await ServerHost.StartAsync(
            options =>
            {
                options.ResolveScopeFromClaim("sub");
                configure?.Invoke(options);
            },
            services: tokens.AddAuthentication,
            logging: logging => logging.AddProvider(logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
        return new AuthServer(host, tokens, logs);
    }

    public static string Push(string id, string scope) =>
        $$$$"""{"mutations":[{"id":"{{{{id}}}}","name":"todo.create","scope":"{{{{scope}}}}","args":{"id":"{{{{id}}}}","data":{"id":"{{{{id}}}}","title":"x","done":false}}}]}""";

    public static string Body(string route, string scope, string id = "m1") => route switch
    {
        "push" => Push(id, scope),
        "pull" => $$"""{"scope":"{{scope}}","cursor":0}""",
        _ => $$"""{"scope":"{{scope}}"}""",
    };

    public async Task<(int Status, string Body, HttpResponseMessage Response)> SendAsync(
        string route, string body, string? token = null, string? contentType = "application/json", string? cookie = null, string? query = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, route + query);
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", $"{TestTokens.CookieName}={cookie}");
        }

        var response = await Host.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>Opens a live connection; the status is 101 when it was accepted, else the refusal's status.</summary>
    public async Task<(int Status, ClientWebSocket Socket)> ConnectAsync(string scope, string? token = null, string? origin = null, string? cookie = null, string? extraQuery = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        if (cookie is not null)
        {
            socket.Options.Cookies = new CookieContainer();
            socket.Options.Cookies.Add(new Cookie(TestTokens.CookieName, cookie, "/", Host.Root.Host));
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(new Uri(Host.LiveUri(scope) + extraQuery), timeout.Token);
        }
        catch (WebSocketException)
        {
        }

        return ((int)socket.HttpStatusCode, socket);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
