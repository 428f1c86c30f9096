using System.Diagnostics;
using System.Text.RegularExpressions;
using ViewSync.Tests;

namespace ViewSync.Server.PostgreSql.Tests;

/// <summary>samples/Todo.Server as a child process on PostgreSQL (<c>--postgres</c>): one node of several, killable for real.</summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process, Uri root)
    {
        _process = process;
        Root = root;
    }

    public Uri Root { get; }

    /// <summary>Starts a node. Nodes given the same <paramref name="signingKey"/> accept each other's tokens.</summary>
    public static async Task<NodeProcess> StartAsync(string connectionString, string signingKey)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SiblingBuild.Dll("samples/Todo.Server", "Todo.Server"));
        info.ArgumentList.Add("--postgres");
        info.ArgumentList.Add(connectionString);
        info.Environment["Auth__SigningKey"] = signingKey;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                // Keep draining stdout so the child never blocks on a full pipe.
                _ = Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync() is not null)
                    {
                    }
                });
                return new NodeProcess(process, new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
            }
        }

        throw new InvalidOperationException($"Todo.Server exited ({process.ExitCode}) before it printed its address.");
    }

    /// <summary>SIGKILL: no graceful shutdown.</summary>
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
