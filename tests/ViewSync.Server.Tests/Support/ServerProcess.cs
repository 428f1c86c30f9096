using System.Diagnostics;
using System.Text.RegularExpressions;
using ViewSync.Tests;

namespace ViewSync.Server.Tests.Support;

/// <summary>samples/Todo.Server as a child process on a given SQLite file, so a test can kill it for real.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri root)
    {
        _process = process;
        Root = root;
    }

    public Uri Root { get; }

    public static async Task<ServerProcess> StartAsync(string database)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SiblingBuild.Dll("samples/Todo.Server", "Todo.Server"));
        info.ArgumentList.Add("--db");
        info.ArgumentList.Add(database);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                return new ServerProcess(process, new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
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
