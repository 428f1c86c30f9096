using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ViewSync.Live;

namespace ViewSync.Runtime.Tests.Live;

/// <summary>Issue 12: an http(s) live URL is the WebSocket endpoint on the same host, not a silent failure.</summary>
public class LiveConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("http")]
    [InlineData("ws")]
    public async Task An_http_live_url_connects_as_a_websocket_and_disposing_does_not_throw(string scheme)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connection = new LiveConnection(
            new Uri($"{scheme}://127.0.0.1:{port}/app/_live"), "user:1", new LiveOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50) },
            null, TimeProvider.System, new Random(1), NullLogger.Instance, () => { });
        connection.Start(CancellationToken.None);

        string requestLine;
        using (var client = await listener.AcceptTcpClientAsync().WaitAsync(Timeout))
        {
            using var reader = new StreamReader(client.GetStream(), Encoding.ASCII, detectEncodingFromByteOrderMarks: false);
            requestLine = (await reader.ReadLineAsync().WaitAsync(Timeout))!;
        }

        Assert.StartsWith("GET /app/_live?scope=user%3A1 HTTP/1.1", requestLine, StringComparison.Ordinal);
        await connection.DisposeAsync(); // the refused handshake was a reconnectable failure
    }

    [Theory]
    [InlineData("http://host/_sync/", "ws://host/_live")]
    [InlineData("https://host/_sync", "wss://host/_live")]
    [InlineData("http://host/app/_sync/", "ws://host/app/_live")]
    [InlineData("https://host:8443/a/b/sync/?x=1", "wss://host:8443/a/b/_live")]
    [InlineData("http://127.0.0.1:5000/", "ws://127.0.0.1:5000/_live")]
    public void The_default_live_endpoint_sits_next_to_the_sync_prefix_under_the_same_path_base(string baseUrl, string expected)
    {
        Assert.Equal(new Uri(expected), LiveConnection.DefaultEndpoint(new Uri(baseUrl)));
    }

    [Fact]
    public void A_live_url_with_another_scheme_is_refused_when_the_connection_is_made()
    {
        var error = Assert.Throws<ArgumentException>(() => new LiveConnection(
            new Uri("ftp://example.com/_live"), "user:1", new LiveOptions(), null, TimeProvider.System, new Random(1), NullLogger.Instance, () => { }));

        Assert.Contains("ws", error.Message, StringComparison.Ordinal);
    }
}
