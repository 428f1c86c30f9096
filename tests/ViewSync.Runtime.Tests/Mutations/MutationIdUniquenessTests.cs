using ViewSync.Mutations;
using ViewSync.Persistence;
using ViewSync.Tests.Journal;

namespace ViewSync.Runtime.Tests.Mutations;

/// <summary>
/// Mutation ids are the client id and the sequence number, so they are unique only if no sequence number is ever
/// used twice under one client id. These tests break the journal where that could go wrong (a power loss that
/// drops the newest records after their ids may have reached a server, a crash at every write and flush boundary,
/// the end of a reservation) and check that no id a client ever returned comes back for another mutation.
/// </summary>
public sealed class MutationIdUniquenessTests
{
    /// <summary>No background flush: only what the replica itself waits for is durable, so a power loss drops the rest.</summary>
    private static readonly JournalOptions NoBackgroundFlush = new() { FlushWindow = TimeSpan.FromHours(1) };

    [Fact]
    public void A_client_id_and_sequence_number_make_32_lowercase_hex_digits()
    {
        Assert.Equal("a1b2c3d4e5f60718000000000000002a", MutationIds.FromClientAndSequence("a1b2c3d4e5f60718", 42));
        Assert.Equal("a1b2c3d4e5f60718ffffffffffffffff", MutationIds.FromClientAndSequence("a1b2c3d4e5f60718", ulong.MaxValue));
        Assert.Equal("a1b2c3d4e5f607180000000000000000", MutationIds.FromClientAndSequence("a1b2c3d4e5f60718", 0));
        // Every nibble in its place, most significant first (the digits are written by hand, not by "x16").
        Assert.Equal("a1b2c3d4e5f607180123456789abcdef", MutationIds.FromClientAndSequence("a1b2c3d4e5f60718", 0x0123456789ABCDEF));
        Assert.Equal("a1b2c3d4e5f60718fedcba9876543210", MutationIds.FromClientAndSequence("a1b2c3d4e5f60718", 0xFEDCBA9876543210));

        // A client id given by hand is hashed to 64 bits: still the protocol's format, still distinct per client.
        var named = MutationIds.FromClientAndSequence("old-client-7", 1);
        Assert.Matches("^[0-9a-f]{32}$", named);
        Assert.NotEqual(named, MutationIds.FromClientAndSequence("old-client-8", 1));
        Assert.EndsWith("0000000000000001", named, StringComparison.Ordinal);
    }

    [Fact]
    public void The_factory_derives_each_id_from_its_client_and_sequence_number()
    {
        var factory = new MutationFactory("0123456789abcdef", "_default", 41);
        var mutation = factory.Create("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));

        Assert.Equal(42UL, mutation.Seq);
        Assert.Equal("0123456789abcdef000000000000002a", mutation.Id);
    }

    [Fact]
    public async Task Two_clients_never_share_an_id()
    {
        await using var one = new Replica(CounterMutators.Table);
        await using var two = new Replica(CounterMutators.Table);
        await one.OpenAsync(new MemoryPersistence());
        await two.OpenAsync(new MemoryPersistence());

        var ids = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            ids.Add(one.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}""")));
            ids.Add(two.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}""")));
        }

        Assert.NotEqual(one.ClientId, two.ClientId);
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Reopening_never_reuses_an_id_even_when_a_power_loss_dropped_the_newest_records()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            // Session 1: three mutations that a server may have received, none of them flushed.
            var disk = new SimulatedDisk();
            var first = new Replica(CounterMutators.Table);
            await first.OpenAsync(disk, NoBackgroundFlush);
            var returned = Enumerable.Range(0, 3).Select(_ => first.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""))).ToHashSet();

            // The power goes: a random prefix of the unflushed tail survives (often nothing of it).
            var image = disk.AfterCrash(powerLoss: true, new Random(seed));
            var second = new Replica(CounterMutators.Table);
            await second.OpenAsync(new SimulatedDisk(image: image), NoBackgroundFlush);
            var recovered = second.Pending().Select(m => m.Id).ToList();
            var fresh = Enumerable.Range(0, 3).Select(_ => second.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":2}"""))).ToList();

            Assert.Equal(first.ClientId, second.ClientId);
            Assert.Subset(returned, recovered.ToHashSet());
            Assert.Empty(fresh.Intersect(returned));
            Assert.All(second.Pending(), m => Assert.Matches("^[0-9a-f]{32}$", m.Id));
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_end_of_a_reservation_records_the_next_one_before_using_it()
    {
        var disk = new SimulatedDisk();
        var first = new Replica(CounterMutators.Table) { SeqReservation = 3 };
        await first.OpenAsync(disk, NoBackgroundFlush);
        var returned = Enumerable.Range(0, 10).Select(_ => first.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""))).ToHashSet();
        Assert.Equal(10UL, first.LastSeq);

        // Only what was flushed survives: the reservations, which were waited for, not the mutations.
        var second = new Replica(CounterMutators.Table) { SeqReservation = 3 };
        await second.OpenAsync(new SimulatedDisk(image: disk.AfterCrash(powerLoss: true, new FixedRandom(0))), NoBackgroundFlush);
        Assert.Equal(9, second.Pending().Count); // 1–9 were flushed with the reservations made at 4 and 7 and 10; 10 was lost
        var fresh = Enumerable.Range(0, 10).Select(_ => second.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":2}"""))).ToList();

        Assert.Empty(fresh.Intersect(returned));
        Assert.All(fresh, id => Assert.True(MutationSeq(id) > 10, $"{id} reuses a number of the first opening"));
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_crash_at_any_boundary_never_makes_a_later_mutation_reuse_an_id()
    {
        var boundaries = (await RunSessionAsync(new SimulatedDisk())).Disk.Boundaries;
        for (var crashAt = 1; crashAt <= boundaries; crashAt++)
        {
            foreach (var powerLoss in new[] { false, true })
            {
                var run = await RunSessionAsync(new SimulatedDisk(crashAt));
                var image = run.Disk.AfterCrash(powerLoss, new Random(crashAt));
                var second = new Replica(CounterMutators.Table);
                await second.OpenAsync(new SimulatedDisk(image: image), NoBackgroundFlush);
                var fresh = Enumerable.Range(0, 4).Select(_ => second.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":2}"""))).ToList();

                var context = $"crash at {run.Disk.CrashedAt ?? "none"}, power loss {powerLoss}";
                Assert.True(fresh.Intersect(run.Returned).ToList() is [], $"{context}: an id came back");
                Assert.True(second.Pending().Select(m => m.Id).Except(fresh).All(run.Returned.Contains), $"{context}: a recovered mutation was never returned");
                if (!powerLoss)
                {
                    Assert.Subset(second.Pending().Select(m => m.Id).ToHashSet(), run.Returned);
                }

                await second.DisposeAsync();
            }
        }
    }

    /// <summary>Opens, mutates, flushes once in the middle, mutates again; stops at the disk's crash.</summary>
    private static async Task<(SimulatedDisk Disk, HashSet<string> Returned)> RunSessionAsync(SimulatedDisk disk)
    {
        var returned = new HashSet<string>(StringComparer.Ordinal);
        var replica = new Replica(CounterMutators.Table);
        try
        {
            await replica.OpenAsync(disk, NoBackgroundFlush);
            for (var i = 0; i < 6; i++)
            {
                returned.Add(replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}""")));
                if (i == 2)
                {
                    await replica.FlushAsync();
                }
            }

            await replica.DisposeAsync();
        }
        catch (IOException)
        {
            // The crash: what Mutate returned so far may have reached a server.
        }

        return (disk, returned);
    }

    private static ulong MutationSeq(string id) => ulong.Parse(id.AsSpan(16), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A "random" tail length of 0: the power loss keeps exactly what was flushed.</summary>
    private sealed class FixedRandom(int value) : Random
    {
        public override int Next(int maxValue) => Math.Min(value, maxValue - 1);
    }
}
