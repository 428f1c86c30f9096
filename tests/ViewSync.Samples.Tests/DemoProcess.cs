using System.Diagnostics;
using System.Text;
using ViewSync.Tests;

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
        info.ArgumentList.Add(SiblingBuild.Dll("samples/Todo", "Todo"));
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

    /// <summary>Waits until the output contains <paramref name="text"/> after position <paramref name="from"/>; returns where it ends.</summary>
    public async Task<int> WaitForAsync(string text, int from = 0, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var exited = _process.HasExited;
            if (exited)
            {
                _process.WaitForExit(); // the last lines have arrived
            }

            var output = Output;
            var at = output.IndexOf(text, Math.Min(from, output.Length), StringComparison.Ordinal);
            if (at >= 0)
            {
                return at + text.Length;
            }

            if (exited || DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException(exited
                    ? $"The demo exited ({_process.ExitCode}) without printing '{text}'. Output:\n{output}"
                    : $"The demo did not print '{text}' within {seconds} s. Output:\n{output}");
            }

            await Task.WhenAny(_exited.Task, Task.Delay(20));
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
}
