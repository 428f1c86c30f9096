using System.Diagnostics;
using System.Text.RegularExpressions;
using ViewSync.Tests;

namespace ViewSync.Server.Tests.Support;

/// <summary>samples/Todo.Server as a child process (on a SQLite file, or a node on PostgreSQL), so a test can kill it for real.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private readonly List<string> _output = [];
    private Task _reading = Task.CompletedTask;

    private ServerProcess(Process process, Uri root)
    {
        _process = process;
        Root = root;
    }

    public Uri Root { get; }

    /// <summary>Starts the sample on <paramref name="database"/>; by default with Logging__LogLevel__Default=Warning in its environment.</summary>
    /// <param name="arguments">More command-line arguments, e.g. <c>--verbose</c>.</param>
    /// <param name="logLevel">The Logging__LogLevel__Default to set, or null to set none (the sample's own default).</param>
    public static Task<ServerProcess> StartAsync(string database, IEnumerable<string>? arguments = null, string? logLevel = "Warning") =>
        StartWithAsync(["--db", database, .. arguments ?? []], logLevel);

    /// <summary>
    /// Starts the sample on PostgreSQL (<c>--postgres</c>), as one node of several: nodes given the same
    /// <paramref name="signingKey"/> accept each other's tokens.
    /// </summary>
    public static Task<ServerProcess> StartOnPostgreSqlAsync(string connectionString, string signingKey) =>
        StartWithAsync(["--postgres", connectionString], "Warning", new Dictionary<string, string> { ["Auth__SigningKey"] = signingKey });

    private static async Task<ServerProcess> StartWithAsync(IEnumerable<string> arguments, string? logLevel, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SiblingBuild.Dll("samples/Todo.Server", "Todo.Server"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("Logging__LogLevel__Default");
        if (logLevel is not null)
        {
            info.Environment["Logging__LogLevel__Default"] = logLevel;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                var server = new ServerProcess(process, new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
                server._reading = server.ReadOutputAsync();
                return server;
            }
        }

        throw new InvalidOperationException($"Todo.Server exited ({process.ExitCode}) before it printed its address.");
    }

    /// <summary>
    /// An HTTP client for the sync prefix, signed in as <paramref name="user"/> (who owns <c>user:{user}</c>) through
    /// the sample's <c>/auth/sign-in</c>. Each run of the server signs with a new key, so sign in after every start.
    /// </summary>
    public async Task<HttpClient> SignInAsync(string user, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(Root, "_sync/"), Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        using var content = new StringContent($$"""{"user":"{{user}}"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(Root, "auth/sign-in"), content);
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", body.RootElement.GetProperty("access_token").GetString());
        return http;
    }

    /// <summary>Stops the server as a service manager does (SIGTERM, graceful) and returns everything it printed after starting.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        await _reading.WaitAsync(timeout.Token);
        lock (_output)
        {
            return [.. _output];
        }
    }

    private async Task ReadOutputAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    /// <summary>SIGKILL: no graceful shutdown, no flushing.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
