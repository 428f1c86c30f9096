using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Security;

/// <summary>
/// The authorisation suite: real JWT bearer authentication on real Kestrel, every sync route and the
/// live endpoint, as an attacker would try them (no credentials, bad or expired tokens, someone
/// else's scope, forged scopes, a foreign page's Origin, a text/plain body), and the start-up choices.
/// </summary>
public sealed class AuthorizationTests : IClassFixture<AuthorizationTests.Fixture>
{
    private static readonly string[] Routes = ["push", "pull", "snapshot"];
    private readonly AuthServer _server;
    private readonly string _alice;
    private readonly string _bob;

    public AuthorizationTests(Fixture fixture)
    {
        _server = fixture.Server;
        _alice = _server.Tokens.For("alice");
        _bob = _server.Tokens.For("bob");
    }

    public static TheoryData<string> AllRoutes => [.. Routes];

    public static TheoryData<string, string> RoutesAndForgedScopes
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var route in Routes)
            {
                foreach (var scope in new[] { "user:bob", "User:alice", "user:alice ", "user:alic", "user:alice:x", "", "_default", "user:*", "alice" })
                {
                    data.Add(route, scope);
                }
            }

            return data;
        }
    }

    private static string Unique() => Guid.NewGuid().ToString("N");

    private static void AssertForbidden((int Status, string Body, HttpResponseMessage Response) answer)
    {
        Assert.Equal(403, answer.Status);
        using var error = JsonDocument.Parse(answer.Body);
        Assert.Equal("forbidden", error.RootElement.GetProperty("code").GetString());
    }

    private static void AssertUnauthorized((int Status, string Body, HttpResponseMessage Response) answer)
    {
        Assert.Equal(401, answer.Status);
        Assert.Contains("Bearer", answer.Response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    // ---- HTTP: who may call at all (401) ----

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task Anonymous_callers_get_401(string route) =>
        AssertUnauthorized(await _server.SendAsync(route, AuthServer.Body(route, "user:alice", Unique())));

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task Expired_tokens_get_401(string route) =>
        AssertUnauthorized(await _server.SendAsync(route, AuthServer.Body(route, "user:alice", Unique()), _server.Tokens.Expired("alice")));

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task Tokens_signed_with_another_key_get_401(string route) =>
        AssertUnauthorized(await _server.SendAsync(route, AuthServer.Body(route, "user:alice", Unique()), _server.Tokens.Forged("alice")));

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.")]
    public async Task Malformed_and_unsigned_tokens_get_401(string token) =>
        AssertUnauthorized(await _server.SendAsync("pull", AuthServer.Body("pull", "user:alice"), token));

    [Fact]
    public async Task Tokens_for_another_audience_or_issuer_get_401()
    {
        AssertUnauthorized(await _server.SendAsync("pull", AuthServer.Body("pull", "user:alice"), _server.Tokens.For("alice", audience: "elsewhere")));
        AssertUnauthorized(await _server.SendAsync("pull", AuthServer.Body("pull", "user:alice"), _server.Tokens.For("alice", issuer: "someone-else")));
    }

    [Fact]
    public async Task A_token_in_the_url_is_not_a_credential() =>
        AssertUnauthorized(await _server.SendAsync("pull", AuthServer.Body("pull", "user:alice"), query: "?access_token=" + _alice));

    [Fact]
    public async Task An_anonymous_push_changes_nothing()
    {
        var id = Unique();
        AssertUnauthorized(await _server.SendAsync("push", AuthServer.Push(id, "user:alice")));

        Assert.False((await _server.Host.Engine.SnapshotAsync("user:alice")).Data.TryGetValue("todo", out var todos) && todos.ContainsKey(id));
    }

    // ---- HTTP: which scope (403) ----

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task The_owner_is_served(string route)
    {
        var (status, body, _) = await _server.SendAsync(route, AuthServer.Body(route, "user:alice", Unique()), _alice);

        Assert.Equal(200, status);
        Assert.DoesNotContain("\"ok\":false", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RoutesAndForgedScopes))]
    public async Task Another_users_or_a_forged_scope_gets_403(string route, string scope) =>
        AssertForbidden(await _server.SendAsync(route, AuthServer.Body(route, scope, Unique()), _alice));

    [Fact]
    public async Task Bob_cannot_read_alices_todo()
    {
        var id = Unique();
        Assert.Equal(200, (await _server.SendAsync("push", AuthServer.Push(id, "user:alice"), _alice)).Status);

        AssertForbidden(await _server.SendAsync("snapshot", """{"scope":"user:alice"}""", _bob));
        AssertForbidden(await _server.SendAsync("pull", """{"scope":"user:alice","cursor":0}""", _bob));
        var (_, own, _) = await _server.SendAsync("snapshot", """{"scope":"user:bob"}""", _bob);
        Assert.DoesNotContain(id, own, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_with_one_foreign_scope_applies_nothing()
    {
        var mine = Unique();
        var body = $$$"""{"mutations":[{{{AuthServer.Push(mine, "user:alice")[14..^2]}}},{{{AuthServer.Push(Unique(), "user:bob")[14..^2]}}}]}""";

        AssertForbidden(await _server.SendAsync("push", body, _alice));

        var snapshot = await _server.Host.Engine.SnapshotAsync("user:alice");
        Assert.False(snapshot.Data.TryGetValue("todo", out var todos) && todos.ContainsKey(mine));
    }

    [Fact]
    public async Task Me_is_mapped_to_the_callers_own_scope()
    {
        var id = Unique();
        var (status, body, _) = await _server.SendAsync("push", AuthServer.Push(id, "me"), _bob);

        Assert.Equal(200, status);
        Assert.Contains("\"scope\":\"user:bob\"", body, StringComparison.Ordinal);
        Assert.True((await _server.Host.Engine.SnapshotAsync("user:bob")).Data["todo"].ContainsKey(id));
        Assert.Empty((await _server.Host.Engine.SnapshotAsync("me")).Data);
        var (_, snapshot, _) = await _server.SendAsync("snapshot", """{"scope":"me"}""", _bob);
        Assert.Contains(id, snapshot, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_is_a_credential_as_good_as_the_header() =>
        Assert.Equal(200, (await _server.SendAsync("snapshot", """{"scope":"user:alice"}""", cookie: _alice)).Status);

    // ---- HTTP: content type and methods ----

    [Theory]
    [InlineData("push", "text/plain")]
    [InlineData("push", "application/x-www-form-urlencoded")]
    [InlineData("push", "multipart/form-data; boundary=x")]
    [InlineData("push", null)]
    [InlineData("pull", "text/plain")]
    [InlineData("snapshot", "text/plain")]
    public async Task A_body_that_is_not_declared_json_gets_415_and_changes_nothing(string route, string? contentType)
    {
        var id = Unique();
        var (status, body, _) = await _server.SendAsync(route, AuthServer.Body(route, "user:alice", id), _alice, contentType);

        Assert.Equal(415, status);
        Assert.Contains("application/json", body, StringComparison.Ordinal);
        Assert.False((await _server.Host.Engine.SnapshotAsync("user:alice")).Data.TryGetValue("todo", out var todos) && todos.ContainsKey(id));
    }

    [Fact]
    public async Task A_cross_site_simple_request_is_refused_before_anything_is_read() =>
        AssertUnauthorized(await _server.SendAsync("push", AuthServer.Push(Unique(), "user:alice"), contentType: "text/plain"));

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task Get_on_a_sync_route_is_405(string route)
    {
        var (status, _, response) = await _server.SendAsync(route, "", method: HttpMethod.Get);

        Assert.Equal(405, status);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    // ---- Live ----

    [Fact]
    public async Task Live_anonymous_gets_401()
    {
        var (status, socket) = await _server.ConnectAsync("user:alice");
        using (socket)
        {
            Assert.Equal(401, status);
        }
    }

    [Fact]
    public async Task Live_expired_or_forged_tokens_get_401()
    {
        var (expired, a) = await _server.ConnectAsync("user:alice", _server.Tokens.Expired("alice"));
        var (forged, b) = await _server.ConnectAsync("user:alice", _server.Tokens.Forged("alice"));
        a.Dispose();
        b.Dispose();

        Assert.Equal(401, expired);
        Assert.Equal(401, forged);
    }

    [Fact]
    public async Task Live_token_in_the_url_is_not_a_credential()
    {
        var (status, socket) = await _server.ConnectAsync("user:alice", extraQuery: "&access_token=" + _alice);
        using (socket)
        {
            Assert.Equal(401, status);
        }
    }

    [Theory]
    [InlineData("user:bob")]
    [InlineData("User:alice")]
    [InlineData("")]
    [InlineData("user:alice&scope=user:bob")]
    public async Task Live_another_users_or_a_forged_scope_gets_403_or_400(string scope)
    {
        var (status, socket) = await _server.ConnectAsync("", _alice, extraQuery: scope.Contains('&', StringComparison.Ordinal) ? "user:alice&scope=user:bob" : scope);
        using (socket)
        {
            Assert.Contains(status, new[] { 400, 403 });
        }
    }

    [Fact]
    public async Task Live_a_foreign_pages_origin_gets_403_even_with_a_valid_cookie()
    {
        var (status, socket) = await _server.ConnectAsync("user:alice", origin: "https://evil.example", cookie: _alice);
        using (socket)
        {
            Assert.Equal(403, status);
        }
    }

    [Fact]
    public async Task Live_the_servers_own_origin_and_a_cookie_are_accepted()
    {
        var (status, socket) = await _server.ConnectAsync("user:alice", origin: $"http://{_server.Host.Root.Authority}", cookie: _alice);
        using (socket)
        {
            Assert.Equal(101, status);
        }
    }

    [Fact]
    public async Task Live_the_owner_hears_its_scope_and_me_is_mapped()
    {
        var (status, socket) = await _server.ConnectAsync("me", _alice);
        using (socket)
        {
            Assert.Equal(101, status);
            await socket.SendAsync("""{"topic":"subscribe","data":{}}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

            var frame = await PushUntilHeardAsync(socket, "user:alice", _alice);

            Assert.StartsWith("""{"topic":"sync:user:alice""", frame, StringComparison.Ordinal);
        }
    }

    private async Task<string> PushUntilHeardAsync(WebSocket socket, string scope, string token)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        var receive = socket.ReceiveAsync(buffer, timeout.Token);
        for (var attempt = 0; !receive.IsCompleted && attempt < 100; attempt++)
        {
            await _server.SendAsync("push", AuthServer.Push(Unique(), scope), token);
            await Task.WhenAny(receive, Task.Delay(50));
        }

        var result = await receive;
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    // ---- Live caps and origins (their own servers) ----

    [Fact]
    public async Task Live_connections_over_the_per_caller_cap_get_429_and_others_are_unaffected()
    {
        await using var server = await AuthServer.StartAsync(o => o.MaxLiveConnectionsPerCaller = 2);
        var alice = server.Tokens.For("alice");
        var (first, a) = await server.ConnectAsync("user:alice", alice);
        var (second, b) = await server.ConnectAsync("user:alice", alice);
        var (third, c) = await server.ConnectAsync("user:alice", alice);
        var (bob, d) = await server.ConnectAsync("user:bob", server.Tokens.For("bob"));
        c.Dispose();

        Assert.Equal([101, 101, 429, 101], new[] { first, second, third, bob });

        await a.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        a.Dispose();
        var again = 0;
        for (var attempt = 0; attempt < 100 && again != 101; attempt++)
        {
            // The server releases the slot once it has seen the close; retry until it has.
            var (status, e) = await server.ConnectAsync("user:alice", alice);
            again = status;
            e.Dispose();
            if (status != 101)
            {
                await Task.Delay(20);
            }
        }

        Assert.Equal(101, again);
        b.Dispose();
        d.Dispose();
    }

    [Fact]
    public async Task Live_connections_over_the_total_cap_get_429()
    {
        await using var server = await AuthServer.StartAsync(o => o.MaxLiveConnections = 1);
        var (first, a) = await server.ConnectAsync("user:alice", server.Tokens.For("alice"));
        var (second, b) = await server.ConnectAsync("user:bob", server.Tokens.For("bob"));
        a.Dispose();
        b.Dispose();

        Assert.Equal(101, first);
        Assert.Equal(429, second);
    }

    [Fact]
    public async Task Live_a_configured_origin_is_allowed()
    {
        await using var server = await AuthServer.StartAsync(o => o.LiveAllowedOrigins.Add("https://app.example"));
        var (allowed, a) = await server.ConnectAsync("user:alice", server.Tokens.For("alice"), origin: "https://app.example");
        var (other, b) = await server.ConnectAsync("user:alice", server.Tokens.For("alice"), origin: "https://app.example.evil");
        a.Dispose();
        b.Dispose();

        Assert.Equal(101, allowed);
        Assert.Equal(403, other);
    }

    // ---- A custom resolver ----

    [Fact]
    public async Task A_custom_resolver_maps_and_denies_as_it_decides()
    {
        await using var server = await AuthServer.StartAsync(o => o.ResolveScope(context =>
            context.ClaimedScope == "team" && context.User.FindFirst("sub")?.Value is "alice" or "bob" ? "team:blue" : null));
        var alice = server.Tokens.For("alice");
        var carol = server.Tokens.For("carol");
        var id = Unique();

        Assert.Equal(200, (await server.SendAsync("push", AuthServer.Push(id, "team"), alice)).Status);
        AssertForbidden(await server.SendAsync("snapshot", """{"scope":"team"}""", carol));
        AssertForbidden(await server.SendAsync("snapshot", """{"scope":"team:blue"}""", alice));
        Assert.True((await server.Host.Engine.SnapshotAsync("team:blue")).Data["todo"].ContainsKey(id));
        var (status, socket) = await server.ConnectAsync("team", server.Tokens.For("bob"));
        socket.Dispose();
        Assert.Equal(101, status);
    }

    // ---- Start-up: deny by default ----

    [Fact]
    public void Mapping_without_a_decision_fails_at_start_up_naming_both_choices()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddViewSyncServer(o => o.Mutators = TodoDb.Mutators);
        using var app = (IDisposable)builder.Build();

        var sync = Assert.Throws<InvalidOperationException>(() => ((WebApplication)app).MapViewSync());
        var live = Assert.Throws<InvalidOperationException>(() => ((WebApplication)app).MapViewSyncLive());

        foreach (var message in new[] { sync.Message, live.Message })
        {
            Assert.Contains("ResolveScope(", message, StringComparison.Ordinal);
            Assert.Contains("ResolveScopeFromClaim(", message, StringComparison.Ordinal);
            Assert.Contains("AllowAnyScopeForDevelopment()", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_resolver_without_authentication_fails_at_start_up()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddViewSyncServer(o => o.ResolveScopeFromClaim("sub").Mutators = TodoDb.Mutators);
        using var app = (IDisposable)builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => ((WebApplication)app).MapViewSync());

        Assert.Contains("AddAuthentication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choosing_both_fails_at_start_up()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddViewSyncServer(o => o.ResolveScopeFromClaim("sub").AllowAnyScopeForDevelopment());
        using var app = (IDisposable)builder.Build();

        Assert.Throws<InvalidOperationException>(() => ((WebApplication)app).MapViewSync());
    }

    [Fact]
    public async Task The_development_switch_serves_anyone_any_scope_and_warns_at_every_start()
    {
        for (var start = 0; start < 2; start++)
        {
            var logs = new CapturedLogs();
            await using var server = await ServerHost.StartAsync(
                o => o.AllowAnyScopeForDevelopment(),
                logging: logging => logging.AddProvider(logs));

            Assert.Equal(200, (await server.PostAsync("snapshot", """{"scope":"user:anyone"}""")).Status);
            Assert.Equal(200, (await server.PostAsync("push", AuthServer.Push(Unique(), "admin"))).Status);
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(server.LiveUri("user:anyone"), CancellationToken.None);
            var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("AllowAnyScopeForDevelopment", StringComparison.Ordinal)).ToList();
            Assert.Single(warnings);
        }
    }

    public sealed class Fixture : IAsyncLifetime
    {
        internal AuthServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await AuthServer.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
