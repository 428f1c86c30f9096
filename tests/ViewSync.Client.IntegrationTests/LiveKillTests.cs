using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ViewSync.Client.CrashHost;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Mutations;
using ViewSync.Persistence;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;
using ViewSync.Tests;
using Xunit.Abstractions;

namespace ViewSync.Client.IntegrationTests;

/// <summary>
/// SIGKILLs a client process (ViewSync.Client.CrashHost, <c>live</c> mode) again and again while it syncs live with a
/// 50,000-entity store, mutates in bursts of tight loops without ever flushing, and receives a second writer's changes
/// (pushed through the engine as the client's output goes by, so it writes throughout). After the kills and a final
/// restart: every mutation whose <c>Mutate</c> returned (the child printed its id) reached the server exactly once, the
/// step in flight at each kill at most once, and the client's state equals the server's.
/// </summary>
/// <remarks>
/// <c>VIEWSYNC_KILLS=N</c> runs N kills (default 20); <c>VIEWSYNC_KILL_SEED=S</c> replays a seed's schedule (kill
/// moments, steps and the second writer's choices; timing still varies). Both are printed with the totals.
/// </remarks>
public sealed class LiveKillTests(ITestOutputHelper output) : IDisposable
{
    private const string Scope = "kill";
    private const int DefaultKills = 20;
    private const int SeedBatch = 1000;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"viewsync-live-kill-{Guid.NewGuid():N}");

    private string ClientDirectory => Path.Combine(_directory, "client");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_live_client_killed_at_random_moments_loses_and_duplicates_no_returned_mutation()
    {
        var kills = EnvironmentInt("VIEWSYNC_KILLS") ?? DefaultKills;
        var seed = EnvironmentInt("VIEWSYNC_KILL_SEED") ?? Random.Shared.Next();
        var context = $"seed {seed} (VIEWSYNC_KILL_SEED={seed} replays it)";
        var random = new Random(seed);
        var total = Stopwatch.StartNew();
        var child = SiblingBuild.Dll("tests/ViewSync.Client.CrashHost", "ViewSync.Client.CrashHost");

        Directory.CreateDirectory(_directory);
        await using var server = await ServerHost.StartAsync(
            options => options.UseSqlite(Path.Combine(_directory, "server.db"), SqliteSynchronous.Normal),
            mutators: KillDb.Mutators);
        var seeding = Stopwatch.StartNew();
        await SeedAsync(server);
        seeding.Stop();

        var writer = new SecondWriter(server, new Random(random.Next()));
        var writing = writer.RunAsync();
        var runs = new List<Run>();
        try
        {
            for (var kill = 0; kill < kills; kill++)
            {
                var run = await RunAndKillAsync(child, server, kill, random, writer, $"{context}, kill {kill}");
                runs.Add(run);
            }
        }
        finally
        {
            writer.Stop();
        }

        await writing.WaitAsync(StepTimeout);

        // The final restart, in this process: it pushes what the last child left and pulls everything.
        var restart = Stopwatch.StartNew();
        var rejected = 0;
        await using var client = new SyncClient(KillDb.Mutators, new SyncClientOptions
        {
            BaseUrl = new Uri(server.Root, "_sync/"),
            Scope = Scope,
            Persistence = new FilePersistence(ClientDirectory),
            Live = new LiveOptions { Url = server.LiveUri(Scope) },
            PushInterval = TimeSpan.FromMilliseconds(50),
            PullInterval = TimeSpan.FromMilliseconds(200),
        });
        client.MutationRejected += (_, _) => Interlocked.Increment(ref rejected);
        await client.StartAsync();
        await Eventually.TrueAsync(() => client.PendingCount.Peek() == 0, $"the restarted client has pushed everything ({context})", StepTimeout);
        var head = (await server.Engine.SnapshotAsync(Scope)).Cursor; // nobody writes any more
        await Eventually.TrueAsync(() => client.Cursor >= head, $"the restarted client has pulled up to the server's head {head} ({context})", StepTimeout);
        restart.Stop();

        var snapshot = await server.Engine.SnapshotAsync(Scope);
        var onServer = snapshot.Data["item"].ToDictionary(p => p.Key, p => p.Value.Deserialize(KillJson.Default.KillItem)!, StringComparer.Ordinal);
        var check = Check(runs, writer, onServer);
        var onClient = client.Store.Entries("item").ToDictionary(e => e.Id, e => JsonSerializer.Deserialize(e.Json.Span, KillJson.Default.KillItem)!, StringComparer.Ordinal);
        var differences = onServer.Keys.Union(onClient.Keys)
            .Where(id => !onServer.TryGetValue(id, out var s) || !onClient.TryGetValue(id, out var c) || s != c)
            .Take(10)
            .Select(id => $"{id}: server {(onServer.TryGetValue(id, out var s) ? s : "none")}, client {(onClient.TryGetValue(id, out var c) ? c : "none")}")
            .ToList();

        var timings = runs.Where(r => r.Open is not null).ToList();
        output.WriteLine($"{context}");
        output.WriteLine($"kills {runs.Count}; mutations returned (printed) {runs.Sum(r => r.Printed)}; in flight at a kill {runs.Count} of which applied {check.InFlightApplied}; " +
            $"second writer {writer.Pushed} mutations; lost {check.Lost}; duplicated {check.Duplicated}; unexpected {check.Unexpected}; " +
            $"client vs server differences {differences.Count}; rejected {rejected}");
        output.WriteLine($"store {onServer.Count} items (seeded {KillWorkload.SeededItems} in {seeding.ElapsedMilliseconds} ms); final restart + sync {restart.ElapsedMilliseconds} ms; total {total.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"per restart (ms, p50 / p90 / max over {timings.Count} runs that opened): " +
            $"process start to Main {Stats(timings.Select(r => r.Main!.Value))}; journal open (StartAsync) {Stats(timings.Select(r => r.Open!.Value))}; " +
            $"first sync after Main {Stats(runs.Where(r => r.Sync is not null).Select(r => r.Sync!.Value))} ({runs.Count(r => r.Sync is not null)} runs got there); " +
            $"spawn to open, seen by the test {Stats(timings.Select(r => r.SpawnToOpen!.Value))}; pending mutations at open {Stats(timings.Select(r => (double)r.PendingAtOpen))}; " +
            $"journal KiB at open {Stats(timings.Select(r => r.JournalBytes / 1024.0))}");
        output.WriteLine($"Mutate calls that took 20 ms or more: {runs.Sum(r => r.SlowMutates.Count)} (p50 / p90 / max {Stats(runs.SelectMany(r => r.SlowMutates.Select(w => w.Ms)))} ms); " +
            $"{runs.Sum(r => r.SlowMutates.Count(w => w.Step == 0))} a run's first call, {runs.Sum(r => r.SlowMutates.Count(w => w.Step > 0 && w.GcPause >= w.Ms / 2))} later ones at least half GC pause, " +
            $"{runs.Sum(r => r.SlowMutates.Count(w => w.Compactions > 0))} during a compaction's commit");
        foreach (var run in runs)
        {
            output.WriteLine(run.ToString());
        }

        foreach (var problem in check.Problems.Take(20))
        {
            output.WriteLine(problem);
        }

        foreach (var difference in differences)
        {
            output.WriteLine(difference);
        }

        Assert.True(check.Problems.Count == 0, $"{context}: {check.Lost} lost, {check.Duplicated} duplicated, {check.Unexpected} unexpected: {string.Join("; ", check.Problems.Take(10))}");
        Assert.True(differences.Count == 0, $"{context}: the client's final state differs from the server's: {string.Join("; ", differences)}");
        Assert.Equal(0, Volatile.Read(ref rejected));
        Assert.Equal(snapshot.Cursor, client.Cursor);
        Assert.True(runs.Sum(r => r.Printed) > kills, $"{context}: only {runs.Sum(r => r.Printed)} mutations returned in {kills} runs");
        Assert.True(kills < 3 || runs.Sum(r => r.Cycles) > 0, $"{context}: the children completed no sync cycle");
    }

    /// <summary>50,000 items in 50 mutations straight through the engine.</summary>
    private static async Task SeedAsync(ServerHost server)
    {
        var mutations = new List<Mutation>();
        for (var from = 0; from < KillWorkload.SeededItems; from += SeedBatch)
        {
            mutations.Add(NewMutation("seeder", (ulong)(from / SeedBatch) + 1, "item.seed", $$"""{"from":{{from}},"count":{{SeedBatch}}}"""));
        }

        var results = await server.Engine.PushAsync(mutations);
        Assert.All(results, r => Assert.True(r.Ok, r.Error));
    }

    private static Mutation NewMutation(string client, ulong seq, string name, string args)
    {
        using var document = JsonDocument.Parse(args);
        return new Mutation($"{client}-{seq}", name, Scope, client, seq, document.RootElement.Clone(), DateTimeOffset.UtcNow);
    }

    /// <summary>One child: started, killed at a random moment (during startup, after a random number of sync cycles or of returned mutations).</summary>
    private async Task<Run> RunAndKillAsync(string child, ServerHost server, int run, Random random, SecondWriter writer, string context)
    {
        var runSeed = random.Next();
        // Every fifth run, at least, lives until it has completed sync cycles: a client that stops syncing times out.
        var moment = run % 5 == 2 ? KillMoment.AfterSyncs : random.Next(10) switch
        {
            0 => KillMoment.AfterMain,
            1 => KillMoment.AfterOpen,
            2 or 3 => KillMoment.AfterSyncs,
            _ => KillMoment.AfterMutations,
        };
        var stopAfter = moment == KillMoment.AfterSyncs ? random.Next(1, 8) : random.Next(1, 1500);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { child, "live", new Uri(server.Root, "_sync/").ToString(), ClientDirectory, run.ToString(CultureInfo.InvariantCulture), runSeed.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var spawned = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {child}");
        var result = new Run(run, runSeed);
        var lines = new List<string>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = process.StandardError.ReadToEndAsync();
        var reading = Task.Run(async () =>
        {
            var mutations = 0;
            var syncs = 0;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }

                if (line.StartsWith("t open ", StringComparison.Ordinal))
                {
                    result.SpawnToOpen = spawned.Elapsed.TotalMilliseconds;
                }

                var isMutation = line.StartsWith("m ", StringComparison.Ordinal);
                if (isMutation && ++mutations % 20 == 0)
                {
                    writer.Nudge(); // the second writer keeps pace with the client
                }

                var reached = moment switch
                {
                    KillMoment.AfterMain => line.StartsWith("t main ", StringComparison.Ordinal),
                    KillMoment.AfterOpen => line.StartsWith("t open ", StringComparison.Ordinal),
                    KillMoment.AfterSyncs => line.StartsWith("s ", StringComparison.Ordinal) && ++syncs >= stopAfter,
                    _ => isMutation && mutations >= stopAfter,
                };

                if (reached)
                {
                    enough.TrySetResult();
                }
            }

            enough.TrySetResult();
        });

        // The second writer also writes while the client starts, so it has something to pull.
        writer.Nudge(3);
        bool exitedEarly;
        string stderr;
        try
        {
            await enough.Task.WaitAsync(StepTimeout);
            exitedEarly = process.HasExited;
            result.Lived = spawned.Elapsed;
            result.Moment = moment;
            process.Kill(entireProcessTree: true); // SIGKILL
            await process.WaitForExitAsync().WaitAsync(StepTimeout);
            await reading.WaitAsync(StepTimeout);
            stderr = await errors.WaitAsync(StepTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            lock (lines)
            {
                Assert.Fail($"{context}: the child ({moment}, {stopAfter}) did not get there in {StepTimeout}; its last lines: {string.Join(" | ", lines.TakeLast(5))}");
            }

            throw;
        }
        Assert.False(exitedEarly, $"{context}: the child exited by itself (code {process.ExitCode}) after {lines.Count} lines: {stderr}");
        Assert.True(stderr.Length == 0, $"{context}: the child reported: {stderr}");

        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            switch (parts)
            {
                case ["t", "main", var ms]:
                    result.Main = double.Parse(ms, CultureInfo.InvariantCulture);
                    break;
                case ["t", "journal", var bytes]:
                    result.JournalBytes = long.Parse(bytes, CultureInfo.InvariantCulture);
                    break;
                case ["t", "open", var ms, _, var pending]:
                    result.Open = double.Parse(ms, CultureInfo.InvariantCulture);
                    result.PendingAtOpen = int.Parse(pending, CultureInfo.InvariantCulture);
                    break;
                case ["t", "sync", var ms]:
                    result.Sync = double.Parse(ms, CultureInfo.InvariantCulture);
                    break;
                case ["w", var ms, var step, var gc, var compactions]:
                    result.SlowMutates.Add(new SlowMutate(
                        double.Parse(ms, CultureInfo.InvariantCulture),
                        int.Parse(step, CultureInfo.InvariantCulture),
                        double.Parse(gc, CultureInfo.InvariantCulture),
                        int.Parse(compactions, CultureInfo.InvariantCulture)));
                    break;
                case ["s", _, var ms]:
                    result.Cycles++;
                    result.LastSync = double.Parse(ms, CultureInfo.InvariantCulture);
                    break;
                case ["m", var step, _, "."]:
                    // A line the kill cut short is not a returned mutation: that step counts as in flight.
                    Assert.True(int.Parse(step, CultureInfo.InvariantCulture) == result.Printed, $"{context}: step {step} printed after {result.Printed} steps");
                    result.Printed++;
                    break;
                default:
                    Assert.True(line == lines[^1], $"{context}: unexpected line '{line}'");
                    break;
            }
        }

        return result;
    }

    /// <summary>Every printed step applied exactly once, each step in flight at most once, every second-writer mutation once, nothing else.</summary>
    private static Verdict Check(List<Run> runs, SecondWriter writer, Dictionary<string, KillItem> onServer)
    {
        var verdict = new Verdict();
        var certainMakes = new HashSet<string>(StringComparer.Ordinal);
        var maybeMakes = new HashSet<string>(StringComparer.Ordinal);
        var certainSums = new Dictionary<string, long>(StringComparer.Ordinal);
        var maybeAdds = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var steps = new KillWorkload.Steps(run.Number, run.Seed);
            for (var n = 0; n <= run.Printed; n++)
            {
                var step = steps.Next();
                var certain = n < run.Printed;
                if (step.IsMake)
                {
                    (certain ? certainMakes : maybeMakes).Add(step.Id);
                }
                else if (certain)
                {
                    certainSums[step.Id] = certainSums.GetValueOrDefault(step.Id) + step.Amount;
                }
                else
                {
                    (maybeAdds.TryGetValue(step.Id, out var list) ? list : maybeAdds[step.Id] = []).Add(step.Amount);
                }
            }
        }

        foreach (var (id, amount) in writer.Adds)
        {
            certainSums[id] = certainSums.GetValueOrDefault(id) + amount;
        }

        certainMakes.UnionWith(writer.Makes);
        for (var i = 0; i < KillWorkload.SeededItems; i++)
        {
            certainMakes.Add(KillWorkload.SeedId(i));
        }

        foreach (var id in certainMakes)
        {
            if (!onServer.ContainsKey(id))
            {
                verdict.Lost++;
                verdict.Problems.Add($"lost: make {id}");
            }
        }

        foreach (var (id, item) in onServer)
        {
            if (!certainMakes.Contains(id))
            {
                if (maybeMakes.Contains(id))
                {
                    verdict.InFlightApplied++;
                }
                else
                {
                    verdict.Unexpected++;
                    verdict.Problems.Add($"unexpected: {item}");
                }
            }

            if (item.Makes != 1)
            {
                verdict.Duplicated += item.Makes - 1;
                verdict.Problems.Add($"duplicated: {id} made {item.Makes} times");
            }

            var surplus = item.Total - certainSums.GetValueOrDefault(id);
            var maybe = maybeAdds.GetValueOrDefault(id) ?? [];
            if (SubsetWithSum(maybe, surplus) is { } applied)
            {
                verdict.InFlightApplied += applied;
            }
            else if (surplus < 0)
            {
                verdict.Lost++;
                verdict.Problems.Add($"lost: adds to {id}: total {item.Total}, expected {certainSums.GetValueOrDefault(id)} plus some of [{string.Join(", ", maybe)}]");
            }
            else
            {
                verdict.Duplicated++;
                verdict.Problems.Add($"duplicated: adds to {id}: total {item.Total}, expected {certainSums.GetValueOrDefault(id)} plus some of [{string.Join(", ", maybe)}]");
            }
        }

        foreach (var id in certainSums.Keys.Where(id => !onServer.ContainsKey(id)))
        {
            verdict.Lost++;
            verdict.Problems.Add($"lost: adds to {id}, which is not on the server");
        }

        return verdict;
    }

    /// <summary>How many of <paramref name="amounts"/> (unique) add up to <paramref name="sum"/>, or null when no subset does.</summary>
    private static int? SubsetWithSum(List<long> amounts, long sum)
    {
        for (var mask = 0; mask < 1 << amounts.Count; mask++)
        {
            var total = 0L;
            for (var i = 0; i < amounts.Count; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    total += amounts[i];
                }
            }

            if (total == sum)
            {
                return System.Numerics.BitOperations.PopCount((uint)mask);
            }
        }

        return null;
    }

    private static string Stats(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0
            ? "-"
            : string.Create(CultureInfo.InvariantCulture, $"{sorted[sorted.Count / 2]:F0} / {sorted[Math.Min(sorted.Count - 1, sorted.Count * 9 / 10)]:F0} / {sorted[^1]:F0}");
    }

    private static int? EnvironmentInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private enum KillMoment
    {
        AfterMain,
        AfterOpen,
        AfterSyncs,
        AfterMutations,
    }

    private sealed class Run(int number, int seed)
    {
        public int Number { get; } = number;

        public int Seed { get; } = seed;

        /// <summary>Steps whose mutation returned (whole "m" lines); step <see cref="Printed"/> was in flight.</summary>
        public int Printed { get; set; }

        public double? Main { get; set; }

        public double? Open { get; set; }

        public double? Sync { get; set; }

        public double? SpawnToOpen { get; set; }

        public int PendingAtOpen { get; set; }

        public long JournalBytes { get; set; }

        /// <summary>How long each Mutate that took 20 ms or more took.</summary>
        public List<SlowMutate> SlowMutates { get; } = [];

        /// <summary>Sync cycles the child completed.</summary>
        public int Cycles { get; set; }

        public double? LastSync { get; set; }

        public KillMoment Moment { get; set; }

        public TimeSpan Lived { get; set; }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"run {Number} (seed {Seed}): killed {Moment} after {Lived.TotalMilliseconds:F0} ms; main {Main:F0}, open {Open:F0} ({JournalBytes / 1024} KiB journal, {PendingAtOpen} pending), first sync {Sync:F0}, last sync {LastSync:F0} ms; {Printed} returned; {Cycles} sync cycles; slow Mutate calls [{string.Join(", ", SlowMutates)}]");
    }

    private readonly record struct SlowMutate(double Ms, int Step, double GcPause, int Compactions)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ms:F0} ms at step {Step} (GC {GcPause:F0} ms{(Compactions > 0 ? ", compaction" : "")})");
    }

    private sealed class Verdict
    {
        public int Lost { get; set; }

        public int Duplicated { get; set; }

        public int Unexpected { get; set; }

        public int InFlightApplied { get; set; }

        public List<string> Problems { get; } = [];
    }

    /// <summary>
    /// Another writer of the scope, pushing straight through the engine (live notifications go out as for any
    /// push): makes new items and adds negative amounts to seeded ones, as the client runs, paced by its output.
    /// </summary>
    private sealed class SecondWriter(ServerHost server, Random random)
    {
        private readonly SemaphoreSlim _nudges = new(0);
        private readonly CancellationTokenSource _stop = new();
        private ulong _seq;

        public List<string> Makes { get; } = [];

        public List<(string Id, long Amount)> Adds { get; } = [];

        public int Pushed => Makes.Count + Adds.Count;

        public void Nudge(int batches = 1) => _nudges.Release(batches);

        public void Stop() => _stop.Cancel();

        public async Task RunAsync()
        {
            while (true)
            {
                try
                {
                    await _nudges.WaitAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var make = $"w-{_seq}";
                var index = random.Next(2) == 0 ? random.Next(KillWorkload.HotItems) : random.Next(KillWorkload.SeededItems);
                var add = (Id: KillWorkload.SeedId(index), Amount: -(long)(_seq + 1));
                var batch = new[]
                {
                    NewMutation("writer", ++_seq, "item.make", $$"""{"id":"{{make}}"}"""),
                    NewMutation("writer", ++_seq, "item.add", $$"""{"id":"{{add.Id}}","amount":{{add.Amount}}}"""),
                };
                var results = await server.Engine.PushAsync(batch);
                Assert.All(results, r => Assert.True(r.Ok, r.Error));
                Makes.Add(make);
                Adds.Add(add);
            }
        }
    }
}
