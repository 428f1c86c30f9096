using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Protocol;
using ViewSync.Transport;

namespace ViewSync.Client.IntegrationTests;

/// <summary>The HTTP transport classifies every way a server can answer, over real HTTP.</summary>
public class TransportTests
{
    private static RequestDelegate Answer(int status, string body, Action<HttpResponse>? headers = null) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        headers?.Invoke(context.Response);
        await context.Response.WriteAsync(body);
    };

    [Fact]
    public async Task A_well_formed_answer_is_a_success_and_the_request_is_posted_to_the_sync_prefix()
    {
        string? path = null, method = null, body = null;
        await using var server = await ScriptedServer.StartAsync(async context =>
        {
            (path, method) = (context.Request.Path.Value, context.Request.Method);
            body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            await Answer(200, """{"changes":[],"has_more":false,"next_cursor":7,"extra":1}""")(context);
        });
        using var http = server.CreateClient();

        var result = await new RefitSyncTransport(http).PullAsync(new PullRequest { Scope = "user:1", Cursor = 5, Limit = 100 }, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Describe());
        Assert.Equal(7UL, result.Value!.NextCursor);
        Assert.Equal(("/_sync/pull", "POST"), (path, method));
        Assert.Equal("""{"scope":"user:1","cursor":5,"limit":100}""", body);
    }

    [Fact]
    public async Task A_push_is_sent_in_the_protocols_wire_shape()
    {
        string? body = null;
        await using var server = await ScriptedServer.StartAsync(async context =>
        {
            body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            await Answer(200, """{"results":[{"ok":true,"cursor":1}]}""")(context);
        });
        using var http = server.CreateClient();
        using var args = System.Text.Json.JsonDocument.Parse("""{"id":"abc"}""");
        var mutation = new ViewSync.Mutations.Mutation("m1", "todo.toggle", "user:1", "a1b2c3d4e5f60718", 3, args.RootElement, DateTimeOffset.UnixEpoch);

        var result = await new RefitSyncTransport(http).PushAsync(new PushRequest { Mutations = [mutation] }, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Describe());
        Assert.Equal("""{"mutations":[{"id":"m1","name":"todo.toggle","scope":"user:1","args":{"id":"abc"}}]}""", body);
    }

    [Theory]
    [InlineData(500, TransportOutcome.ServerError, true)]
    [InlineData(503, TransportOutcome.ServerError, true)]
    [InlineData(429, TransportOutcome.RateLimited, true)]
    [InlineData(410, TransportOutcome.CursorTooOld, false)]
    [InlineData(401, TransportOutcome.Unauthorized, false)]
    [InlineData(403, TransportOutcome.Forbidden, false)]
    [InlineData(400, TransportOutcome.Refused, false)]
    public async Task Error_statuses_are_classified_with_the_error_body(int status, TransportOutcome outcome, bool transient)
    {
        await using var server = await ScriptedServer.StartAsync(Answer(status, """{"code":"some_code","error":"why"}"""));
        using var http = server.CreateClient();

        var result = await new RefitSyncTransport(http).SnapshotAsync(new SnapshotRequest { Scope = "s" }, new CollectingSink(), CancellationToken.None);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal((HttpStatusCode)status, result.StatusCode);
        Assert.Equal(transient, result.IsTransient);
        Assert.Equal(("some_code", "why"), (result.Error!.Code, result.Error.Error));
    }

    [Fact]
    public async Task Retry_after_is_read_from_a_429()
    {
        await using var server = await ScriptedServer.StartAsync(Answer(429, """{"code":"rate_limited","error":"slow down"}""", r => r.Headers.RetryAfter = "3"));
        using var http = server.CreateClient();

        var result = await new RefitSyncTransport(http).PushAsync(new PushRequest(), CancellationToken.None);

        Assert.Equal(TransportOutcome.RateLimited, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(3), result.RetryAfter);
    }

    [Theory]
    [InlineData("""{"results": [{"ok": true, "cur""")]
    [InlineData("""{"results": [{"ok": "yes"}]}""")]
    [InlineData("""{"results": 5}""")]
    [InlineData("""<html>gateway</html>""")]
    [InlineData("")]
    public async Task A_malformed_success_body_is_reported_not_thrown(string body)
    {
        await using var server = await ScriptedServer.StartAsync(Answer(200, body));
        using var http = server.CreateClient();

        var result = await new RefitSyncTransport(http).PushAsync(new PushRequest(), CancellationToken.None);

        Assert.Equal(TransportOutcome.MalformedResponse, result.Outcome);
        Assert.True(result.IsTransient);
        Assert.NotNull(result.Exception);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_huge_answer_is_reported_as_malformed_without_being_read_whole(bool announcedLength)
    {
        var padding = new string(' ', 3 << 20);
        await using var server = await ScriptedServer.StartAsync(async context =>
        {
            var body = System.Text.Encoding.UTF8.GetBytes($$"""{"changes":[],{{padding}}"has_more":false,"next_cursor":1}""");
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            if (announcedLength)
            {
                context.Response.ContentLength = body.Length;
            }

            await context.Response.Body.WriteAsync(body);
        });
        using var http = server.CreateClient();

        var result = await new RefitSyncTransport(http, maxResponseBytes: 1 << 20).PullAsync(new PullRequest(), CancellationToken.None);
        var fine = await new RefitSyncTransport(http, maxResponseBytes: 8 << 20).PullAsync(new PullRequest(), CancellationToken.None);

        Assert.Equal(TransportOutcome.MalformedResponse, result.Outcome);
        Assert.Contains("larger than 1048576 bytes", result.Exception!.ToString(), StringComparison.Ordinal);
        Assert.True(fine.IsSuccess, fine.Describe());
    }

    [Fact]
    public async Task A_refused_connection_is_a_network_error()
    {
        Uri address;
        await using (var server = await ScriptedServer.StartAsync(Answer(200, "{}")))
        {
            address = server.BaseAddress;
        }

        using var http = new HttpClient { BaseAddress = address };
        var result = await new RefitSyncTransport(http).PullAsync(new PullRequest(), CancellationToken.None);

        Assert.Equal(TransportOutcome.NetworkError, result.Outcome);
        Assert.True(result.IsTransient);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_is_a_timeout()
    {
        using var release = new CancellationTokenSource();
        await using var server = await ScriptedServer.StartAsync(async context =>
        {
            await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMilliseconds(200) };

        var result = await new RefitSyncTransport(http).PullAsync(new PullRequest(), CancellationToken.None);
        await release.CancelAsync();

        Assert.Equal(TransportOutcome.Timeout, result.Outcome);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_thrown_not_reported()
    {
        using var release = new CancellationTokenSource();
        await using var server = await ScriptedServer.StartAsync(async context =>
        {
            await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var http = server.CreateClient();
        using var cancel = new CancellationTokenSource();

        var pending = new RefitSyncTransport(http).PullAsync(new PullRequest(), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await release.CancelAsync();
    }

    [Fact]
    public void A_client_without_a_base_address_is_refused()
    {
        using var http = new HttpClient();

        var error = Assert.Throws<ArgumentException>(() => new RefitSyncTransport(http));

        Assert.Contains("BaseAddress", error.Message, StringComparison.Ordinal);
    }
}
