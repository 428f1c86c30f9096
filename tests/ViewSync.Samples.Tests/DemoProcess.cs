using System.Diagnostics;
using System.Text;

namespace ViewSync.Samples.Tests;

/// <summary>samples/Todo as a child process (the build output next to this test's), with its output collected.</summary>
internal sealed class DemoProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DemoProcess(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DemoDll());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Exited += (_, _) => _exited.TrySetResult();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task TypeAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the output contains <paramref name="text"/> after position <paramref name="from"/>.</summary>
    public async Task<int> WaitForAsync(string text, int from = 0, int seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var output = Output;
            var at = output.IndexOf(text, Math.Min(from, output.Length), StringComparison.Ordinal);
            if (at >= 0)
            {
                return at + text.Length;
            }

            if (_process.HasExited)
            {
                await _exited.Task;
                if (Output.IndexOf(text, Math.Min(from, Output.Length), StringComparison.Ordinal) is var late and >= 0)
                {
                    return late + text.Length;
                }

                throw new Xunit.Sdk.XunitException($"The demo exited ({_process.ExitCode}) without printing '{text}'. Output:\n{output}");
            }

            try
            {
                await Task.WhenAny(_exited.Task, Task.Delay(25, timeout.Token));
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"The demo did not print '{text}' within {seconds} s. Output:\n{output}");
            }
        }
    }

    public async Task<int> ExitCodeAsync(int seconds = 60)
    {
        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(seconds));
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string DemoDll()
    {
        // tests/ViewSync.Samples.Tests/bin/<Configuration>/<tfm>/ → samples/Todo/bin/<Configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "samples", "Todo", "bin", configuration, framework, "Todo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build samples/Todo first (this test project references it).", dll);
    }
}
