using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary>
/// Issue 11, client side: <see cref="SyncClientOptions.AccessTokenProvider"/> against the real server with JWT bearer
/// authentication on Kestrel, over HTTP and WebSockets; the server records what each request carried.
/// </summary>
public sealed class AccessTokenTests
{
    [Fact]
    public async Task The_token_goes_as_a_bearer_header_on_every_request_and_on_the_live_handshake_never_in_the_url()
    {
        await using var server = await AuthenticatedServer.StartAsync();
        var token = server.Tokens.For("alice");
        var provider = new ScriptedTokenProvider(_ => token);
        void Configure(SyncClientOptions o)
        {
            o.AccessTokenProvider = provider.GetAsync;
            o.PullInterval = TimeSpan.FromHours(1); // only a working live connection makes B pull in time
        }

        await using var a = Clients.Create(server, "user:alice", configure: Configure);
        await using var b = Clients.Create(server, "user:alice", configure: Configure);
        await a.StartAsync();
        await b.StartAsync();
        await Eventually.TrueAsync(() => a.LastSyncTime.Get() is not null && b.LastSyncTime.Get() is not null, "both have synced once");
        await Eventually.TrueAsync(() => server.Requests.Count(r => r.IsLive && r.Status == 101) == 2, "both live handshakes were accepted");

        a.Db().Todos.Create(new Todo("t", "from A", false));
        await Eventually.TrueAsync(() => b.Db().Todos.Get("t").Exists(), "B pulled because of its live notice");
        await a.StopAsync();
        await b.StopAsync();

        Assert.True(await server.HasTodoAsync("user:alice", "t"));
        // A request in flight when a client stopped (cancelled by it) may still be finishing on the server.
        await Eventually.TrueAsync(() => server.Requests.All(r => r.IsDone || r.IsLive), "the server finished every sync request");
        var requests = server.Requests;
        var sync = requests.Where(r => !r.IsLive && !r.AbortedByClient).ToList();
        Assert.Contains(sync, r => r.Path == "/_sync/snapshot");
        Assert.Contains(sync, r => r.Path == "/_sync/push");
        Assert.Contains(sync, r => r.Path == "/_sync/pull");
        Assert.All(requests, r => Assert.Equal("Bearer " + token, r.Authorization));
        Assert.All(sync, r => Assert.Equal(200, r.Status));
        var live = requests.Where(r => r.IsLive).ToList();
        Assert.Equal(2, live.Count);
        Assert.All(live, r => Assert.Equal("?scope=user%3Aalice", r.Query)); // the scope, and nothing secret
        Assert.All(requests, r => Assert.DoesNotContain(token, r.Query, StringComparison.Ordinal));
        Assert.True(provider.Calls >= requests.Count, "the provider is asked for each request");
        Assert.Equal(0, provider.Refreshes);
    }

    [Fact]
    public async Task A_refused_token_is_refreshed_once_and_the_request_sent_again_over_http_and_live()
    {
        await using var server = await AuthenticatedServer.StartAsync();
        var expired = server.Tokens.Expired("alice");
        var fresh = server.Tokens.For("alice");
        // A provider whose cache holds an expired token: every request is refused once, then succeeds with a fresh one.
        var provider = new ScriptedTokenProvider(forceRefresh => forceRefresh ? fresh : expired);
        var errors = new ConcurrentQueue<SyncError>();
        await using var client = Clients.Create(server, "user:alice", configure: o => o.AccessTokenProvider = provider.GetAsync);
        client.Error += (_, e) => errors.Enqueue(e.Error);
        await client.StartAsync();

        client.Db().Todos.Create(new Todo("t", "refreshed", false));
        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0, "the todo was pushed and confirmed");
        await Eventually.TrueAsync(() => server.Requests.Any(r => r.IsLive && r.Status == 101), "the live handshake was accepted");
        await client.StopAsync();

        Assert.True(await server.HasTodoAsync("user:alice", "t"));
        Assert.Empty(errors);
        var sync = server.Requests.Where(r => !r.IsLive).ToList();
        Assert.True(sync.Count >= 6, $"snapshot, push and pull, each twice: {string.Join(", ", sync)}");
        // Stopping may cut a cycle between a refusal and its retry: only the very last request may be an unanswered 401.
        var pairs = sync.Count % 2 == 1 && sync[^1].Status == 401 ? sync.Count - 1 : sync.Count;
        Assert.Equal(0, pairs % 2);
        for (var i = 0; i < pairs; i += 2)
        {
            // Each request: refused with the cached token, then the same request with the fresh one, accepted.
            Assert.Equal((401, "Bearer " + expired), (sync[i].Status, sync[i].Authorization));
            Assert.Equal((200, "Bearer " + fresh, sync[i].Path), (sync[i + 1].Status, sync[i + 1].Authorization, sync[i + 1].Path));
        }

        var live = server.Requests.Where(r => r.IsLive).ToList();
        Assert.Equal([(401, "Bearer " + expired), (101, "Bearer " + fresh)], live.Select(r => (r.Status, r.Authorization)));
        var refused = server.SyncUnauthorized + server.LiveUnauthorized;
        Assert.InRange(provider.Refreshes, pairs == sync.Count ? refused : refused - 1, refused); // one per refusal (the cut one may not have asked)
    }

    [Fact]
    public async Task A_token_refused_even_after_a_refresh_is_Unauthorized_without_a_retry_storm_and_nothing_is_lost()
    {
        await using var server = await AuthenticatedServer.StartAsync();
        var valid = server.Tokens.For("alice");
        var forged = server.Tokens.Forged("alice");
        var signedIn = 0;
        var provider = new ScriptedTokenProvider(_ => Volatile.Read(ref signedIn) == 1 ? valid : forged);
        var errors = new ConcurrentQueue<SyncError>();
        await using var client = Clients.Create(server, "user:alice", configure: o =>
        {
            o.AccessTokenProvider = provider.GetAsync;
            o.PushInterval = TimeSpan.FromMilliseconds(200);
            o.MaxRetryDelay = TimeSpan.FromSeconds(2);
            o.Live = new LiveOptions { ReconnectDelay = TimeSpan.FromMilliseconds(200), MaxReconnectDelay = TimeSpan.FromSeconds(2) };
        });
        client.Error += (_, e) => errors.Enqueue(e.Error);
        var db = client.Db();
        db.Todos.Create(new Todo("a", "made while refused", false));
        await client.StartAsync();
        await Eventually.TrueAsync(() => errors.Any(e => e.Kind == SyncErrorKind.Unauthorized), "the refusal was reported");

        // Keep typing while refused: local writes must not turn the backoff into a hot loop.
        var clock = Stopwatch.StartNew();
        var typed = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (errors.Count(e => e.Kind == SyncErrorKind.Unauthorized) < 4)
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for four refused cycles.");
            db.Todos.Create(new Todo($"typed{typed}", "typed while refused", false));
            typed++;
            await Task.Delay(20);
        }

        var window = clock.Elapsed;
        var reported = errors.Where(e => e.Kind == SyncErrorKind.Unauthorized).ToList();
        Assert.All(reported, e => Assert.Equal(System.Net.HttpStatusCode.Unauthorized, e.StatusCode));
        Assert.DoesNotContain(errors, e => e.Kind != SyncErrorKind.Unauthorized);
        Assert.All(errors, e => Assert.DoesNotContain(forged, e.Message, StringComparison.Ordinal));

        // Three backoffs after the first report, each at least half of 200, 400 and 800 ms, typing or not.
        Assert.True(window >= TimeSpan.FromMilliseconds(650), $"three refused cycles took only {window.TotalMilliseconds:F0} ms while typing");
        // Each cycle: one request, one refresh, one retry, and the cycle ends (no pull behind a refused push).
        var syncRefusals = server.SyncUnauthorized;
        Assert.True(syncRefusals >= 2 * reported.Count, $"each refused cycle was refused twice, request and retry: {syncRefusals} for {reported.Count}");
        Assert.True(syncRefusals <= (2 * reported.Count) + 2, $"{syncRefusals} sync 401s for {reported.Count} refused cycles");
        Assert.True(server.LiveUnauthorized >= 2, "the live handshake was refused, and refused again with a fresh token");
        Assert.True(server.LiveUnauthorized <= 12, $"{server.LiveUnauthorized} live 401s in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(provider.Refreshes >= reported.Count, "every refused cycle asked for a fresh token");

        // Nothing was lost: all of it is still pending, none reached the server.
        Assert.Equal(1 + typed, client.PendingCount.Get());
        Assert.False(await server.HasTodoAsync("user:alice", "a"));

        Volatile.Write(ref signedIn, 1); // the user signs in again: a later cycle gets the good token
        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0, "the queue drained once the token was good");
        await Eventually.TrueAsync(() => client.LastError.Get() is null, "the next good cycle cleared the error");
        Assert.True(await server.HasTodoAsync("user:alice", "a"));
        Assert.True(await server.HasTodoAsync("user:alice", $"typed{typed - 1}"));
    }

    [Fact]
    public async Task A_provider_that_fails_is_reported_as_Unauthorized_and_sends_nothing()
    {
        await using var server = await AuthenticatedServer.StartAsync();
        var errors = new ConcurrentQueue<SyncError>();
        await using var client = Clients.Create(server, "user:alice", live: false, configure: o =>
            o.AccessTokenProvider = (_, _) => throw new InvalidOperationException("nobody is signed in"));
        client.Error += (_, e) => errors.Enqueue(e.Error);
        client.Db().Todos.Create(new Todo("a", "kept", false));
        await client.StartAsync();

        await Eventually.TrueAsync(() => !errors.IsEmpty, "the failure was reported");
        await client.StopAsync();

        var error = errors.First();
        Assert.Equal(SyncErrorKind.Unauthorized, error.Kind);
        Assert.Contains("The access token provider failed: nobody is signed in", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        Assert.Equal(1, client.PendingCount.Get());
    }

    [Fact]
    public async Task Without_a_provider_a_server_that_requires_credentials_is_Unauthorized_asked_once_per_cycle()
    {
        await using var server = await AuthenticatedServer.StartAsync();
        var errors = new ConcurrentQueue<SyncError>();
        await using var client = Clients.Create(server, "user:alice", live: false);
        client.Error += (_, e) => errors.Enqueue(e.Error);
        await client.StartAsync();

        await Eventually.TrueAsync(() => errors.Count(e => e.Kind == SyncErrorKind.Unauthorized) >= 2, "two refused cycles");
        await client.StopAsync();

        var refused = errors.Count(e => e.Kind == SyncErrorKind.Unauthorized);
        Assert.All(server.Requests, r => Assert.Null(r.Authorization));
        Assert.True(server.SyncUnauthorized <= refused * 2, $"{server.SyncUnauthorized} 401s for {refused} cycles");
    }

    [Fact]
    public async Task A_hosted_client_takes_its_provider_from_the_services()
    {
        await using var server = await AuthenticatedServer.StartAsync();
        var token = server.Tokens.For("bob");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new ScriptedTokenProvider(_ => token));
        builder.Services.AddViewSync<TodoDb>((o, services) =>
        {
            o.BaseUrl = new Uri(server.Root, "_sync");
            o.Scope = "user:bob";
            o.PushInterval = TimeSpan.FromMilliseconds(50);
            o.Live = new LiveOptions { ReconnectDelay = TimeSpan.FromMilliseconds(100) };
            o.AccessTokenProvider = services.GetRequiredService<ScriptedTokenProvider>().GetAsync;
        });
        using var host = builder.Build();

        await host.StartAsync();
        var client = host.Services.GetRequiredService<SyncClient>();
        host.Services.GetRequiredService<TodoDb>().Todos.Create(new Todo("b", "hosted", false));
        await Eventually.TrueAsync(() => client.PendingCount.Get() == 0, "the hosted client pushed");
        await Eventually.TrueAsync(() => server.Requests.Any(r => r.IsLive && r.Status == 101), "the hosted client's live handshake was accepted");
        await host.StopAsync();

        Assert.True(await server.HasTodoAsync("user:bob", "b"));
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + token, r.Authorization));
    }
}
