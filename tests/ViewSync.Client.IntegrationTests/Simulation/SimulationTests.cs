using System.Text;
using ViewSync.Mutations;
using ViewSync.Persistence;
using ViewSync.Server.Engine;
using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests.Simulation;

/// <summary>
/// Deterministic simulation: three clients over a faulty in-process network and the real engine,
/// driven by a seed (random mutations, syncs, offline spells, restarts, held-back requests). After
/// healing and quiescing, every client must show exactly the server's state, and every accepted
/// mutation must have been applied exactly once or reported rejected.
/// Runs 500 seeds; <c>VIEWSYNC_SIM_SEEDS=N</c> runs N, <c>VIEWSYNC_SIM_SEED=S</c> replays one.
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
            : Enumerable.Range(1, int.TryParse(Environment.GetEnvironmentVariable("VIEWSYNC_SIM_SEEDS"), out var count) ? count : 500);

        foreach (var seed in seeds)
        {
            try
            {
                await RunAsync(seed);
            }
            catch (Exception e)
            {
                Assert.Fail($"Simulation seed {seed} failed: {e.Message}\nReplay it with: VIEWSYNC_SIM_SEED={seed} dotnet test tests/ViewSync.Client.IntegrationTests --filter Simulation\n{e}");
            }
        }
    }

    private sealed class SimClient
    {
        public required MemoryPersistence Persistence { get; init; }
        public required int Index { get; init; }
        public bool Online { get; set; } = true;
        public SyncClient Client { get; set; } = null!;
        public SimDb Db => new(Client);
    }

    private static async Task RunAsync(int seed)
    {
        var random = new Random(seed);
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        await using var engine = new SyncEngine(new InMemorySyncStorage(), new SyncEngineOptions { Mutators = SimDb.Mutators, TimeProvider = clock });
        var network = new SimulatedNetwork(engine, random);
        var accepted = new Dictionary<string, Mutation>();
        var rejected = new HashSet<string>();
        var addTotals = new Dictionary<string, long>();
        var sims = Enumerable.Range(0, 3).Select(i => new SimClient { Persistence = new MemoryPersistence(), Index = i }).ToArray();

        async Task StartAsync(SimClient sim)
        {
            sim.Client = new SyncClient(SimDb.Mutators, new SyncClientOptions
            {
                Transport = network.For(() => sim.Online),
                Scope = Scope,
                Persistence = sim.Persistence,
                AutomaticSync = false,
                TimeProvider = clock,
                Random = new Random((seed * 31) + sim.Index),
            });
            sim.Client.Replica.MutationQueued += (_, e) => accepted[e.Mutation.Id] = e.Mutation;
            sim.Client.MutationRejected += (_, e) => rejected.Add(e.Mutation.Id);
            await sim.Client.StartAsync();
        }

        foreach (var sim in sims)
        {
            await StartAsync(sim);
        }

        for (var step = 0; step < Steps; step++)
        {
            clock.Now += TimeSpan.FromMilliseconds(random.Next(1, 2000));
            var sim = sims[random.Next(sims.Length)];
            switch (random.Next(10))
            {
                case < 4:
                    Mutate(sim.Db, random, addTotals);
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
                default:
                    await sim.Client.DisposeAsync(); // the app restarts; its persistence survives
                    await StartAsync(sim);
                    break;
            }
        }

        // Heal and quiesce.
        network.Faulty = false;
        foreach (var sim in sims)
        {
            sim.Online = true;
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

    private static void Mutate(SimDb db, Random random, Dictionary<string, long> addTotals)
    {
        var id = random.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            switch (random.Next(4))
            {
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
        catch (ViewSync.Mutators.MutationRejectedException)
        {
            // Rejected locally (editing a note this client does not have): never accepted.
        }
    }

    private static async Task SyncQuietlyAsync(SyncClient client)
    {
        try
        {
            await client.SyncAsync();
        }
        catch (HttpRequestException)
        {
            // A simulated fault; the pending queue is intact and the next sync retries.
        }
    }
}
