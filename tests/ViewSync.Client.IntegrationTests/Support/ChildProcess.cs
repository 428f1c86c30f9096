using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Xunit.Abstractions;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// A .NET child process (a test host's build output) that answers one line per command on standard input;
/// its standard error goes to the test output when it ends. The tests that need a process of their own use
/// it: to measure its memory, or to SIGKILL it.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly ITestOutputHelper _output;
    private readonly string _name;
    private readonly TimeSpan _stepTimeout;
    private readonly StringBuilder _errors = new();

    private ChildProcess(Process process, ITestOutputHelper output, string name, TimeSpan stepTimeout)
    {
        _process = process;
        _output = output;
        _name = name;
        _stepTimeout = stepTimeout;
    }

    /// <summary>Starts <c>dotnet {dll} {arguments}</c>.</summary>
    /// <param name="dll">The host's assembly (see <c>SiblingBuild.Dll</c>).</param>
    /// <param name="arguments">Its command line.</param>
    /// <param name="output">Where its lines and standard error go.</param>
    /// <param name="name">Its name in the test output.</param>
    /// <param name="stepTimeout">How long one command may take to answer.</param>
    /// <param name="heapHardLimit">A GC heap limit in bytes (<c>DOTNET_GCHeapHardLimit</c>), or null for none.</param>
    public static ChildProcess Start(string dll, IEnumerable<string> arguments, ITestOutputHelper output, string name, TimeSpan stepTimeout, long? heapHardLimit = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (heapHardLimit is { } limit)
        {
            start.Environment["DOTNET_GCHeapHardLimit"] = limit.ToString("X", CultureInfo.InvariantCulture);
        }

        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var child = new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {dll}"), output, name, stepTimeout);
        child._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._lines.Writer.TryComplete();
            }
            else
            {
                child._lines.Writer.TryWrite(e.Data);
            }
        };
        child._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._errors)
                {
                    child._errors.AppendLine(e.Data);
                }
            }
        };
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sends <paramref name="command"/> and waits for the line that starts with <paramref name="answer"/>.</summary>
    public async Task<string> AskAsync(string command, string answer)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await ExpectAsync(answer, command);
    }

    /// <summary>Waits for the line that starts with <paramref name="answer"/>; a line starting with "error " fails the test.</summary>
    public async Task<string> ExpectAsync(string answer, string? command = null)
    {
        using var timeout = new CancellationTokenSource(_stepTimeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(timeout.Token);
                _output.WriteLine($"{_name}: {line}");
                if (line.StartsWith(answer + " ", StringComparison.Ordinal) || line == answer)
                {
                    return line;
                }

                Assert.False(line.StartsWith("error ", StringComparison.Ordinal), $"{_name} answered '{command}' with: {line}{Errors()}");
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"{_name} did not answer '{command ?? answer}' within {_stepTimeout}{Errors()}");
            throw;
        }
        catch (ChannelClosedException)
        {
            Assert.Fail($"{_name} exited (code {(_process.HasExited ? _process.ExitCode : -1)}) before answering '{command ?? answer}'{Errors()}");
            throw;
        }
    }

    /// <summary>SIGKILL: the process ends at once, with no chance to finish a write, answer or clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(_stepTimeout);
    }

    /// <summary>Waits until the child has ended on its own.</summary>
    public Task WaitForExitAsync() => _process.WaitForExitAsync().WaitAsync(_stepTimeout);

    /// <summary>Asks the child to exit ("exit"), killing it if it does not within the step timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("exit");
                await _process.StandardInput.FlushAsync();
                await _process.WaitForExitAsync().WaitAsync(_stepTimeout);
            }
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            var errors = Errors();
            if (errors.Length > 0)
            {
                _output.WriteLine($"{_name} stderr:{errors}");
            }

            _process.Dispose();
        }
    }

    private string Errors()
    {
        lock (_errors)
        {
            return _errors.Length == 0 ? "" : $"; stderr: {_errors}";
        }
    }
}
