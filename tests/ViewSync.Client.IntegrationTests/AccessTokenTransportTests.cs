using Microsoft.AspNetCore.Http;
using System.Collections.Concurrent;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Protocol;
using ViewSync.Transport;

namespace ViewSync.Client.IntegrationTests;

/// <summary><see cref="RefitSyncTransport"/> with an access token provider, against a scripted server that refuses every token.</summary>
public sealed class AccessTokenTransportTests
{
    [Theory]
    [InlineData("push")]
    [InlineData("pull")]
    [InlineData("snapshot")]
    public async Task A_401_asks_for_a_fresh_token_once_sends_once_more_and_reports_Unauthorized_without_the_token(string route)
    {
        var seen = new ConcurrentQueue<string>();
        await using var server = await ScriptedServer.StartAsync(async context =>
        {
            seen.Enqueue($"{context.Request.Path} {context.Request.Headers.Authorization}");
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"code":"unauthorized","error":"bad token"}""");
        });
        using var http = server.CreateClient();
        var asked = new ConcurrentQueue<bool>();
        var transport = new RefitSyncTransport(http, (request, _) =>
        {
            asked.Enqueue(request.ForceRefresh);
            return ValueTask.FromResult<string?>(request.ForceRefresh ? "secret-fresh" : "secret-cached");
        });

        var result = route switch
        {
            "push" => await Outcome(transport.PushAsync(new PushRequest(), CancellationToken.None)),
            "pull" => await Outcome(transport.PullAsync(new PullRequest { Scope = "s" }, CancellationToken.None)),
            _ => await Outcome(transport.SnapshotAsync(new SnapshotRequest { Scope = "s" }, new CollectingSink(), CancellationToken.None)),
        };

        Assert.Equal(TransportOutcome.Unauthorized, result.Outcome);
        Assert.Equal([false, true], asked);
        Assert.Equal([$"/_sync/{route} Bearer secret-cached", $"/_sync/{route} Bearer secret-fresh"], seen);
        Assert.DoesNotContain("secret", result.Description, StringComparison.Ordinal);
        if (route == "push")
        {
            // Refit's error (push goes through Refit; pull and snapshot are read as streams) keeps the request; its Authorization header is scrubbed before it reaches the app's logs.
            var api = Assert.IsType<Refit.ApiException>(result.Exception, exactMatch: false);
            Assert.Null(api.RequestMessage?.Headers.Authorization);
        }
    }

    [Fact]
    public async Task Without_a_token_no_Authorization_header_is_sent()
    {
        var seen = new ConcurrentQueue<bool>();
        await using var server = await ScriptedServer.StartAsync(async context =>
        {
            seen.Enqueue(context.Request.Headers.ContainsKey("Authorization"));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"changes":[],"has_more":false}""");
        });
        using var http = server.CreateClient();

        var result = await new RefitSyncTransport(http, (_, _) => ValueTask.FromResult<string?>(null)).PullAsync(new PullRequest { Scope = "s" }, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Describe());
        Assert.Equal([false], seen);
    }

    private static async Task<(TransportOutcome Outcome, string Description, Exception? Exception)> Outcome<T>(Task<TransportResult<T>> pending)
        where T : class
    {
        var result = await pending;
        return (result.Outcome, result.Describe(), result.Exception);
    }
}
