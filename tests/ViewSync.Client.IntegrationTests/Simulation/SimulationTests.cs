using System.Text;
using ViewSync.Mutations;
using ViewSync.Persistence;
using ViewSync.Server.Engine;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;
using ViewSync.Tests.Journal;

namespace ViewSync.Client.IntegrationTests.Simulation;

/// <summary>
/// Deterministic simulation: three clients over a faulty in-process network and the real engine,
/// driven by a seed: random mutations (some too large to ever push, some whose mutator throws a plain
/// exception once another client deleted what it reads), syncs, offline spells, held-back requests, clean
/// restarts with mutations made before starting, process crashes at random write boundaries of the journal
/// (recovered from what the disk holds), and full-disk spells. After healing and quiescing, every client
/// must show exactly the server's state, and every mutation whose <c>Mutate</c> returned must have been
/// applied exactly once or reported rejected.
/// Runs 1,000 seeds; <c>VIEWSYNC_SIM_SEEDS=N</c> runs N, <c>VIEWSYNC_SIM_SEED=S</c> replays one.
/// </summary>
public sealed class SimulationTests
{
    private const int Steps = 80;
    private const string Scope = "sim";

    [Fact]
    public async Task Clients_converge_and_apply_every_accepted_mutation_once_under_faults()
    {
        var seeds = Environment.GetEnvironmentVariable("VIEWSYNC_SIM_SEED") is { Length: > 0 } one
            ? [int.Parse(one, System.Globalization.CultureInfo.InvariantCulture)]
            : Enumerable.Range(1, int.TryParse(Environment.GetEnvironmentVariable("VIEWSYNC_SIM_SEEDS"), out var count) ? count : 1000);

        var seen = new Dictionary<string, int>();
        foreach (var seed in seeds)
        {
            try
            {
                await RunAsync(seed, seen);
            }
            catch (Exception e)
            {
                Assert.Fail($"Simulation seed {seed} failed: {e.Message}\nReplay it with: VIEWSYNC_SIM_SEED={seed} dotnet test tests/ViewSync.Client.IntegrationTests --filter Simulation\n{e}");
            }
        }

        // The faults this simulation is for did happen.
        if (seeds.Count() >= 100)
        {
            foreach (var fault in new[] { "crash", "crash while starting", "full disk refused a mutation", "too large", "mutator threw", "mutated before start" })
            {
                Assert.True(seen.GetValueOrDefault(fault) > 0, $"no run saw '{fault}'");
            }
        }
    }

    private sealed class SimClient
    {
        public required SimulatedDisk Disk { get; set; }
        public required int Index { get; init; }
        public bool Online { get; set; } = true;
        public SyncClient Client { get; set; } = null!;
        public SimDb Db => new(Client);
    }

    private static async Task RunAsync(int seed, Dictionary<string, int> seen)
    {
        void Saw(string fault) => seen[fault] = seen.GetValueOrDefault(fault) + 1;
        var random = new Random(seed);
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        await using var engine = new SyncEngine(new InMemorySyncStorage(), new SyncEngineOptions { Mutators = SimDb.Mutators, TimeProvider = clock });
        var network = new SimulatedNetwork(engine, random);
        var accepted = new Dictionary<string, Mutation>();
        var rejected = new HashSet<string>();
        var addTotals = new Dictionary<string, long>();
        SimulatedDisk NewDisk(byte[]? image) => new(crashAt: random.Next(3) == 0 ? random.Next(1, 60) : 0, image);
        var sims = Enumerable.Range(0, 3).Select(i => new SimClient { Disk = NewDisk(null), Index = i }).ToArray();

        // Starts a client over its disk; a crash while starting is recovered like any other. Mutations made
        // before StartAsync live only in memory until the journal opens, so a crash before then loses them:
        // they count as accepted only once the start succeeded.
        async Task StartAsync(SimClient sim, bool mutateFirst = false)
        {
            var beforeStart = new Dictionary<string, Mutation>();
            var totalsBeforeStart = new Dictionary<string, long>();
            var retrying = false;
            while (true)
            {
                if (!retrying)
                {
                    sim.Client = new SyncClient(SimDb.Mutators, new SyncClientOptions
                    {
                        Transport = network.For(() => sim.Online),
                        Scope = Scope,
                        Persistence = sim.Disk,
                        Journal = new JournalOptions { FlushWindow = TimeSpan.Zero, CompactionThresholdBytes = 2048 },
                        MaxBatchBytes = 2048,
                        AutomaticSync = false,
                        TimeProvider = clock,
                        Random = new Random((seed * 31) + sim.Index),
                    });
                    sim.Client.Replica.MutationQueued += (_, e) => (sim.Client.Replica.IsPersistent ? accepted : beforeStart)[e.Mutation.Id] = e.Mutation;
                    sim.Client.MutationRejected += (_, e) => rejected.Add(e.Mutation.Id);
                    beforeStart.Clear();
                    totalsBeforeStart.Clear();
                    if (mutateFirst)
                    {
                        Saw("mutated before start");
                        Mutate(sim.Db, random, totalsBeforeStart, Saw);
                    }
                }

                try
                {
                    await sim.Client.StartAsync();
                    foreach (var (id, mutation) in beforeStart)
                    {
                        accepted[id] = mutation;
                    }

                    foreach (var (id, amount) in totalsBeforeStart)
                    {
                        addTotals[id] = addTotals.GetValueOrDefault(id) + amount;
                    }

                    return;
                }
                catch (SimulatedCrashException)
                {
                    Saw("crash while starting");
                    sim.Disk = NewDisk(sim.Disk.AfterCrash(powerLoss: false, random));
                    retrying = false;
                }
                catch (IOException) when (sim.Disk.Full)
                {
                    // The app frees space and starts the same client again: its early mutations are still there.
                    sim.Disk.Full = false;
                    retrying = true;
                }
            }
        }

        // The process died: the client object is dropped as it is, and a new one starts from what the disk holds.
        async Task RecoverIfCrashedAsync(SimClient sim)
        {
            if (sim.Disk.CrashedAt is not null)
            {
                Saw("crash");
                sim.Disk = NewDisk(sim.Disk.AfterCrash(powerLoss: false, random));
                await StartAsync(sim);
            }
        }

        foreach (var sim in sims)
        {
            await StartAsync(sim);
        }

        for (var step = 0; step < Steps; step++)
        {
            clock.Now += TimeSpan.FromMilliseconds(random.Next(1, 2000));
            var sim = sims[random.Next(sims.Length)];
            switch (random.Next(12))
            {
                case < 4:
                    Mutate(sim.Db, random, addTotals, Saw);
                    break;
                case < 7:
                    await SyncQuietlyAsync(sim.Client);
                    break;
                case 7:
                    sim.Online = !sim.Online;
                    break;
                case 8:
                    await network.DeliverHeldAsync(all: false);
                    break;
                case 9:
                    sim.Disk.Full = !sim.Disk.Full;
                    break;
                default:
                    await sim.Client.DisposeAsync(); // the app restarts; its journal survives
                    await StartAsync(sim, mutateFirst: random.Next(2) == 0);
                    break;
            }

            await RecoverIfCrashedAsync(sim);
        }

        // Heal and quiesce.
        network.Faulty = false;
        foreach (var sim in sims)
        {
            sim.Online = true;
            sim.Disk.Full = false;
            if (sim.Disk.CrashedAt is null)
            {
                // No more crashes from here: restart over a disk that keeps working.
                await sim.Client.DisposeAsync();
            }

            sim.Disk = new SimulatedDisk(image: sim.Disk.AfterCrash(powerLoss: false, random));
            await StartAsync(sim);
        }

        await network.DeliverHeldAsync(all: true);
        for (var round = 0; round < 10 && sims.Any(s => s.Client.PendingCount.Get() > 0); round++)
        {
            foreach (var sim in sims)
            {
                await sim.Client.SyncAsync();
            }
        }

        foreach (var sim in sims)
        {
            await sim.Client.SyncAsync();
        }

        // 1. Everyone shows exactly the server's state.
        var server = await engine.SnapshotAsync(Scope);
        var expected = server.Data.SelectMany(t => t.Value.Select(e => $"{t.Key}/{e.Key}={e.Value.GetRawText()}")).Order().ToList();
        foreach (var sim in sims)
        {
            Assert.Equal(0, sim.Client.PendingCount.Get());
            var visible = sim.Client.Store.EntityNames
                .SelectMany(entity => sim.Client.Store.Entries(entity).Select(e => $"{entity}/{e.Id}={Encoding.UTF8.GetString(e.Json.Span)}"))
                .Order().ToList();
            Assert.Equal(expected, visible);
        }

        // 2. Adds never reject, so each counter holds exactly the sum of the adds accepted for it.
        foreach (var (id, total) in addTotals)
        {
            Assert.Equal(total, server.Data["counter"][id].GetProperty("Value").GetInt64());
        }

        // 3. Nothing accepted was lost: replaying every accepted mutation applies nothing new, and
        //    the ones the server rejected are exactly the ones reported.
        var headBefore = server.Cursor;
        var replay = await engine.PushAsync([.. accepted.Values.OrderBy(m => m.Seq)]);
        Assert.Equal(headBefore, (await engine.SnapshotAsync(Scope)).Cursor);
        var refused = accepted.Values.OrderBy(m => m.Seq).Zip(replay).Where(p => !p.Second.Ok).Select(p => p.First.Id).ToHashSet();
        Assert.Equal(refused.Order(), rejected.Order());

        foreach (var sim in sims)
        {
            await sim.Client.DisposeAsync();
        }
    }

    private static void Mutate(SimDb db, Random random, Dictionary<string, long> addTotals, Action<string> saw)
    {
        var id = random.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            switch (random.Next(6))
            {
                case 4:
                    // Mostly a few per batch; now and then one that could never fit in a 2 KiB batch.
                    db.Mutate.Put($"n{id}", new string('x', random.Next(3) == 0 ? 3000 : random.Next(300, 900)));
                    break;
                case 5:
                    db.Mutate.Shout($"n{id}");
                    break;
                case 0:
                    var amount = random.Next(1, 6);
                    db.Mutate.Add($"c{id}", amount);
                    addTotals[$"c{id}"] = addTotals.GetValueOrDefault($"c{id}") + amount;
                    break;
                case 1:
                    db.Mutate.Put($"n{id}", $"text {random.Next(100)}");
                    break;
                case 2:
                    db.Mutate.Edit($"n{id}", $"edit {random.Next(100)}");
                    break;
                default:
                    db.Notes.Get($"n{id}").Delete();
                    break;
            }
        }
        catch (Exception e) when (e is ViewSync.Mutators.MutationRejectedException or NullReferenceException or MutationTooLargeException or IOException)
        {
            saw(e switch
            {
                NullReferenceException => "mutator threw",
                MutationTooLargeException => "too large",
                SimulatedCrashException => "crash in Mutate",
                IOException => "full disk refused a mutation",
                _ => "rejected locally",
            });
            // Refused where it was made (a note this client does not have, too large, a full or crashed disk): never accepted.
        }
    }

    private static async Task SyncQuietlyAsync(SyncClient client)
    {
        try
        {
            await client.SyncAsync();
        }
        catch (SyncException)
        {
            // A simulated fault; the pending queue is intact and the next sync retries.
        }
    }
}
