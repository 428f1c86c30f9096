using ViewSync.Persistence;
using ViewSync.Tests.Journal;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>
/// Crashes a replica at every write and flush boundary of a scripted workload (mutations, pages, rejections,
/// snapshots, flushes and the compactions they trigger) over a simulated disk, recovers, and checks the
/// protocol's rules: the journal holds exactly a state the client passed through (cursor and confirmed state
/// together, rule 1; pending exactly what was not confirmed, rule 2), the visible state is the confirmed state
/// with the pending mutations replayed (rule 3), and nothing <c>Mutate</c> returned is lost (rule 4) — after a
/// process crash at all, after a power loss unless it was not yet flushed.
/// </summary>
public sealed class CrashPointTests
{
    private static readonly JournalOptions Options = new() { FlushWindow = TimeSpan.Zero, CompactionThresholdBytes = 4096 };
    private const int Steps = 70;

    [Theory]
    [InlineData(11, false)]
    [InlineData(11, true)]
    [InlineData(23, false)]
    [InlineData(23, true)]
    [InlineData(47, true)]
    public async Task Every_boundary_recovers_to_a_state_the_rules_allow(int seed, bool powerLoss)
    {
        var total = (await RunUntilCrashAsync(seed, crashAt: 0)).Disk.Boundaries;
        Assert.True(total > Steps, $"the workload crossed only {total} boundaries");
        var compactedSomewhere = false;
        for (var crashAt = 1; crashAt <= total + 3; crashAt++)
        {
            var run = await RunUntilCrashAsync(seed, crashAt);
            compactedSomewhere |= run.Compactions > 0;
            var context = $"seed {seed}, crash at {run.Disk.CrashedAt ?? "none"}, power loss {powerLoss}";
            var image = run.Disk.AfterCrash(powerLoss, new Random(seed + crashAt));

            var recoveredDisk = new SimulatedDisk(image: image);
            var replica = new Replica(CounterMutators.Table);
            var opened = await replica.OpenAsync(recoveredDisk, Options);
            var recovered = ExpectedState.Of(replica);
            var allowed = (powerLoss ? run.States.Skip(run.Durable) : [run.States[^1]]).ToList();
            if (run.InFlight is { } inFlight)
            {
                allowed.Add(inFlight);
            }

            Assert.True(
                allowed.Exists(s => s.Matches(recovered)),
                $"{context}: recovered {recovered}, allowed:\n{string.Join('\n', allowed)}");
            Assert.Null(JournalWorkload.VisibleProblem(replica));
            Assert.All(opened.Problems, p => Assert.Equal(PersistenceProblemKind.JournalTornTail, p.Kind));
            if (!powerLoss)
            {
                Assert.Empty(opened.Problems);
            }

            // The recovered journal keeps working: more steps, a clean restart, the same state.
            var workload = new JournalWorkload(replica, new Random(seed));
            for (var i = 0; i < 10; i++)
            {
                await workload.StepAsync(_ => { });
            }

            await replica.DisposeAsync();
            var restarted = new Replica(CounterMutators.Table);
            await restarted.OpenAsync(new SimulatedDisk(image: recoveredDisk.AfterCrash(powerLoss: false, new Random(1))), Options);
            Assert.True(workload.Current.Matches(ExpectedState.Of(restarted)), $"{context}: after recovery and 10 more steps, a restart found {ExpectedState.Of(restarted)}, not {workload.Current}");
        }

        Assert.True(compactedSomewhere, "no run compacted the journal: the workload should cross the compaction threshold");
    }

    [Fact]
    public async Task A_recovered_journal_records_what_follows_and_restarts_into_it()
    {
        var disk = new SimulatedDisk();
        var replica = new Replica(CounterMutators.Table);
        await replica.OpenAsync(disk, Options);
        var workload = new JournalWorkload(replica, new Random(5));
        for (var i = 0; i < 200; i++)
        {
            await workload.StepAsync(_ => { });
        }

        var expected = workload.Current;
        var compactions = replica.JournalCompactions;
        await replica.DisposeAsync();
        var restarted = new Replica(CounterMutators.Table);
        await restarted.OpenAsync(new SimulatedDisk(image: disk.AfterCrash(powerLoss: false, new Random(1))), Options);

        Assert.True(expected.Matches(ExpectedState.Of(restarted)), $"expected {expected}, got {ExpectedState.Of(restarted)}");
        Assert.Null(JournalWorkload.VisibleProblem(restarted));
        Assert.True(compactions > 0, "the workload should have compacted the journal");
    }

    private static async Task<Run> RunUntilCrashAsync(int seed, int crashAt)
    {
        var disk = new SimulatedDisk(crashAt);
        var replica = new Replica(CounterMutators.Table);
        var states = new List<ExpectedState> { new(0, StateDigest.Of([]), []) };
        ExpectedState? inFlight = null;
        var durable = 0;
        try
        {
            await replica.OpenAsync(disk, Options);
            var workload = new JournalWorkload(replica, new Random(seed));
            for (var step = 0; step < Steps && disk.CrashedAt is null; step++)
            {
                inFlight = null;
                var flushed = await workload.StepAsync(next => inFlight = next);
                inFlight = null;
                states.Add(workload.Current);
                if (flushed)
                {
                    durable = states.Count - 1;
                }
            }
        }
        catch (SimulatedCrashException)
        {
            // The process is gone here; what the disk holds is checked by the caller.
        }

        // Let background flushes and compactions hit the crash point too, then stop them.
        var compactions = replica.JournalCompactions;
        try
        {
            await replica.DisposeAsync();
        }
        catch (SimulatedCrashException)
        {
        }

        return new Run(disk, states, inFlight, durable, compactions);
    }

    private sealed record Run(SimulatedDisk Disk, List<ExpectedState> States, ExpectedState? InFlight, int Durable, int Compactions);
}
