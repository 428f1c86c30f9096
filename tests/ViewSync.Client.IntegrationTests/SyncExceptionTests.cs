using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary><see cref="SyncClient.SyncAsync"/> throws <see cref="SyncException"/>, whose kind says what went wrong.</summary>
public sealed class SyncExceptionTests
{
    [Fact]
    public async Task A_refused_connection_is_a_network_error_with_the_socket_failure_inside()
    {
        await using var client = ClientFor(new Uri($"http://127.0.0.1:{UnusedPort()}/_sync/"));
        await client.StartAsync();

        var error = await Assert.ThrowsAsync<SyncException>(() => client.SyncAsync());

        Assert.Equal(SyncErrorKind.Network, error.Kind);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Null(error.StatusCode);
        Assert.Same(client.LastError.Get(), error.Error);
    }

    [Fact]
    public async Task A_401_is_unauthorized_and_a_403_is_refused_with_the_status_and_code()
    {
        await using var server = await ScriptedServer.StartAsync(context => Answer(context,
            context.Request.Headers.Authorization.Count == 0 ? 401 : 403,
            """{"code":"forbidden","error":"not your scope"}"""));
        await using var anonymous = ClientFor(server.BaseAddress);
        await using var signedIn = ClientFor(server.BaseAddress, o => o.AccessTokenProvider = (_, _) => ValueTask.FromResult<string?>("token"));
        await anonymous.StartAsync();
        await signedIn.StartAsync();

        var unauthorized = await Assert.ThrowsAsync<SyncException>(() => anonymous.SyncAsync());
        var refused = await Assert.ThrowsAsync<SyncException>(() => signedIn.SyncAsync());

        Assert.Equal(SyncErrorKind.Unauthorized, unauthorized.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(SyncErrorKind.Refused, refused.Kind);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("forbidden", refused.Code);
        Assert.Contains("not your scope", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_is_not_the_protocol_is_malformed_and_local_state_is_kept()
    {
        await using var server = await ScriptedServer.StartAsync(context => Answer(context, 200, """{"cursor":"not a number","data":{"""));
        await using var client = ClientFor(server.BaseAddress);
        await client.StartAsync();
        client.Db().Todos.Create(new Todo("a", "kept", false));

        var error = await Assert.ThrowsAsync<SyncException>(() => client.SyncAsync());

        Assert.Equal(SyncErrorKind.MalformedResponse, error.Kind);
        Assert.True(error.InnerException is JsonException || error.InnerException?.InnerException is JsonException, $"a JSON problem inside: {error.InnerException}");
        Assert.Equal(1, client.PendingCount.Get());
    }

    private static SyncClient ClientFor(Uri baseUrl, Action<SyncClientOptions>? configure = null)
    {
        var options = new SyncClientOptions { BaseUrl = baseUrl, Scope = "user:1", AutomaticSync = false };
        configure?.Invoke(options);
        return new SyncClient(TodoDb.Mutators, options);
    }

    private static async Task Answer(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
