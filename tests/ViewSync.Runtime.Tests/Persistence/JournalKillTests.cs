using System.Diagnostics;
using System.Globalization;
using ViewSync.Persistence;
using ViewSync.Tests;
using ViewSync.Tests.Journal;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>
/// Runs ViewSync.Persistence.CrashChild (the journal workload over a real <see cref="FilePersistence"/>:
/// mutations, pages, rejections, snapshots and compactions, no waiting for flushes), SIGKILLs it at a random
/// moment, and checks after each kill that the journal holds exactly the state of the last step that returned,
/// or of the one in flight: nothing a returned call recorded is lost, nothing is applied twice.
/// </summary>
public sealed class JournalKillTests : IDisposable
{
    private const int Kills = 25;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Killing_the_process_at_random_moments_loses_no_returned_step()
    {
        var child = SiblingBuild.Dll("tests/ViewSync.Persistence.CrashChild", "ViewSync.Persistence.CrashChild");
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        ExpectedState? known = null;
        var steps = 0;
        for (var kill = 0; kill < Kills; kill++)
        {
            var context = $"seed {seed}, kill {kill}";
            var lines = await RunAndKillAsync(child, random.Next(), stopAfterLines: random.Next(2, 400), context);

            Assert.StartsWith("L ", lines[0], StringComparison.Ordinal);
            var loaded = State(lines[0]);
            Assert.True(known is null || known.Matches(loaded), $"{context}: the child loaded {loaded}, but the last check found {known}");
            var done = loaded;
            ExpectedState? inFlight = null;
            foreach (var line in lines.Skip(1))
            {
                if (line.StartsWith("D ", StringComparison.Ordinal))
                {
                    done = State(line);
                    inFlight = null;
                    steps++;
                }
                else
                {
                    Assert.StartsWith("N ", line, StringComparison.Ordinal);
                    inFlight = State(line);
                }
            }

            var replica = new Replica(CounterMutators.Table);
            var opened = await replica.OpenAsync(new FilePersistence(_directory.Path));
            var recovered = ExpectedState.Of(replica);
            var visibleProblem = JournalWorkload.VisibleProblem(replica);
            await replica.DisposeAsync();

            Assert.Empty(opened.Problems);
            Assert.True(
                done.Matches(recovered) || (inFlight?.Matches(recovered) ?? false),
                $"{context}: recovered {recovered}; the last finished step left {done}, the step in flight {inFlight}");
            Assert.Null(visibleProblem);
            known = recovered;
        }

        Assert.True(steps > Kills, $"only {steps} steps finished");
        var journal = new FileInfo(Path.Combine(_directory.Path, FilePersistence.JournalFileName)).Length;
        Assert.True(journal < 256 * 1024, $"the journal is {journal} bytes after {steps} steps: compaction (at 16 KiB) should keep it small");
    }

    private static bool IsWhole(string line) => line.EndsWith(" .", StringComparison.Ordinal);

    private static ExpectedState State(string line) => ExpectedState.Parse(line[2..^2]);

    private async Task<List<string>> RunAndKillAsync(string child, int childSeed, int stopAfterLines, string context)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(child);
        start.ArgumentList.Add(_directory.Path);
        start.ArgumentList.Add(childSeed.ToString(CultureInfo.InvariantCulture));

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {child}");
        var lines = new List<string>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = process.StandardError.ReadToEndAsync();
        var reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                    if (lines.Count >= stopAfterLines)
                    {
                        enough.TrySetResult();
                    }
                }
            }

            enough.TrySetResult();
        });

        await enough.Task.WaitAsync(StepTimeout);
        var exitedEarly = process.HasExited;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync().WaitAsync(StepTimeout);
        await reading.WaitAsync(StepTimeout);
        var stderr = await errors.WaitAsync(StepTimeout);

        Assert.False(exitedEarly, $"{context}: the child exited by itself (code {process.ExitCode}) after {lines.Count} lines: {stderr}");
        Assert.True(lines.Count > 0, $"{context}: the child printed nothing: {stderr}");
        Assert.True(stderr.Length == 0, $"{context}: the child reported: {stderr}");
        lock (lines)
        {
            // A line the kill cut short is not a step the child reported.
            var whole = lines.ToList();
            if (whole.Count > 1 && !IsWhole(whole[^1]))
            {
                whole.RemoveAt(whole.Count - 1);
            }

            return whole;
        }
    }
}
