using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Security;

/// <summary>samples/Todo.Server's request logging (Warning by default, Information on request) and its <c>/healthz</c>, as a child process.</summary>
public sealed class SampleServerLoggingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("viewsync-sample-logging-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Two requests, a graceful stop, and every line the server printed after its address.</summary>
    private async Task<IReadOnlyList<string>> RunAsync(IEnumerable<string>? arguments, string? logLevel)
    {
        var server = await ServerProcess.StartAsync(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db"), arguments, logLevel);
        await using (server)
        {
            using var http = new HttpClient { BaseAddress = server.Root };
            using var health = await http.GetAsync("healthz");
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
            using var signedIn = await server.SignInAsync("alice");
            return await server.StopAsync();
        }
    }

    [Fact]
    public async Task By_default_requests_are_not_logged()
    {
        var output = await RunAsync(arguments: null, logLevel: null);

        Assert.DoesNotContain(output, line => line.Contains("Request starting", StringComparison.Ordinal) || line.Contains("Request finished", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.StartsWith("info:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verbose_logs_every_request()
    {
        var output = await RunAsync(["--verbose"], logLevel: null);

        Assert.Contains(output, line => line.Contains("/healthz", StringComparison.Ordinal) && line.Contains("Request", StringComparison.Ordinal));
        Assert.Contains(output, line => line.Contains("/auth/sign-in", StringComparison.Ordinal) && line.Contains("Request", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_standard_configuration_logs_requests_too()
    {
        var output = await RunAsync(arguments: null, logLevel: "Information");

        Assert.Contains(output, line => line.Contains("/healthz", StringComparison.Ordinal) && line.Contains("Request", StringComparison.Ordinal));
    }
}
