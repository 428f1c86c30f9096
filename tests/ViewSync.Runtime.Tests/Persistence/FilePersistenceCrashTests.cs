using System.Diagnostics;
using System.Globalization;
using ViewSync.Persistence;
using ViewSync.Tests;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>
/// Runs ViewSync.Persistence.CrashChild, which appends and removes mutations in a loop, kills it
/// (SIGKILL on Unix) at a random moment, and checks that a reload holds every acknowledged mutation
/// exactly once, in order, over many kills of the same directory.
/// </summary>
public sealed class FilePersistenceCrashTests : IDisposable
{
    private const int Kills = 25;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Killing_the_process_at_random_moments_never_loses_an_acknowledged_mutation()
    {
        var child = SiblingBuild.Dll("tests/ViewSync.Persistence.CrashChild", "ViewSync.Persistence.CrashChild");
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var model = new List<string>();
        ulong lastSeq = 0;
        string? clientId = null;
        int acknowledgedAppends = 0, acknowledgedRemoves = 0;

        for (var kill = 0; kill < Kills; kill++)
        {
            var context = $"seed {seed}, kill {kill}";
            var lines = await RunAndKillAsync(child, random.Next(), stopAfterLines: random.Next(1, 120), context);

            // Replay what the child reported: acknowledged steps change the model; the last step may be in flight.
            var loadedLine = lines[0].Split(' ');
            Assert.True(loadedLine[0] == "L", $"{context}: the child's first line should report what it loaded, got '{lines[0]}'");
            Assert.Equal(model.Count, int.Parse(loadedLine[1], CultureInfo.InvariantCulture));
            Assert.Equal(lastSeq, ulong.Parse(loadedLine[2], CultureInfo.InvariantCulture));
            (string Id, ulong Seq)? appending = null;
            string[]? removing = null;
            foreach (var line in lines.Skip(1))
            {
                var parts = line.Split(' ');
                switch (parts[0])
                {
                    case "a":
                        appending = (parts[1], ulong.Parse(parts[2], CultureInfo.InvariantCulture));
                        break;
                    case "A":
                        var seq = ulong.Parse(parts[2], CultureInfo.InvariantCulture);
                        Assert.True(seq > lastSeq, $"{context}: seq {seq} does not increase past {lastSeq}");
                        model.Add(parts[1]);
                        lastSeq = seq;
                        appending = null;
                        acknowledgedAppends++;
                        break;
                    case "r":
                        removing = parts[1..];
                        break;
                    case "R":
                        Assert.All(parts[1..], id => Assert.Contains(id, model));
                        model.RemoveAll(parts[1..].Contains);
                        removing = null;
                        acknowledgedRemoves++;
                        break;
                    default:
                        Assert.Fail($"{context}: unexpected line '{line}'");
                        break;
                }
            }

            await using var persistence = new FilePersistence(_directory.Path);
            var state = await persistence.LoadAsync();

            Assert.All(state.Problems, p => Assert.Equal(PersistenceProblemKind.JournalTornTail, p.Kind));
            clientId ??= state.ClientId;
            Assert.Equal(clientId, state.ClientId);
            var loaded = state.Pending.Select(m => m.Id).ToList();
            Assert.True(loaded.Distinct().Count() == loaded.Count, $"{context}: a mutation was loaded twice");
            Assert.True(state.Pending.Zip(state.Pending.Skip(1)).All(pair => pair.First.Seq < pair.Second.Seq), $"{context}: mutations are out of order");

            // Every acknowledged mutation is there; the step in flight either happened whole or not at all.
            var candidates = new List<List<string>> { model };
            if (removing is not null)
            {
                candidates.Add(model.Where(id => !removing.Contains(id)).ToList());
            }

            if (appending is { } append)
            {
                candidates.AddRange(candidates.Select(c => c.Append(append.Id).ToList()).ToList());
            }

            Assert.True(
                candidates.Exists(c => c.SequenceEqual(loaded)),
                $"{context}: loaded [{string.Join(", ", loaded)}] but expected [{string.Join(", ", model)}]" +
                $"{(removing is null ? "" : $" possibly without {string.Join(", ", removing)}")}{(appending is null ? "" : $" possibly with {appending.Value.Id}")}");

            var appended = appending is { } a && loaded.Contains(a.Id);
            Assert.Equal(appended ? appending!.Value.Seq : lastSeq, state.LastSeq);
            model = loaded;
            lastSeq = state.LastSeq;
        }

        Assert.True(acknowledgedAppends > Kills, $"only {acknowledgedAppends} appends were acknowledged");
        Assert.True(acknowledgedRemoves > 0, "no removal was acknowledged");
        var journal = new FileInfo(Path.Combine(_directory.Path, FilePersistence.JournalFileName)).Length;
        Assert.True(journal < 16 * 1024, $"the journal is {journal} bytes after {acknowledgedAppends} appends: the child's compaction (at 4 KiB) should have kept it small");
    }

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
        return lines;
    }
}
