using System.Buffers.Binary;
using ViewSync.Mutations;
using ViewSync.Persistence;
using ViewSync.Tests.Journal;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>Opening a journal: mutations made before it are recorded after what it held, and an old journal format is read.</summary>
public sealed class OpeningTests
{
    [Fact]
    public async Task A_crash_at_any_boundary_while_opening_keeps_the_journal_and_a_prefix_of_the_early_mutations()
    {
        // A journal with confirmed state and two pending mutations, as a previous run left it.
        var previous = new SimulatedDisk();
        var first = new Replica(CounterMutators.Table);
        await first.OpenAsync(previous);
        var workload = new JournalWorkload(first, new Random(3));
        for (var i = 0; i < 40; i++)
        {
            await workload.StepAsync(_ => { });
        }

        var held = workload.Current;
        await first.DisposeAsync();
        var image = previous.AfterCrash(powerLoss: false, new Random(1));

        for (var crashAt = 1; crashAt <= 8; crashAt++)
        {
            var disk = new SimulatedDisk(crashAt, image);
            var replica = new Replica(CounterMutators.Table);
            var early = Enumerable.Range(1, 3).Select(n => replica.Mutate("counter.add", CounterMutators.Args($$"""{"id":"e","n":{{n}}}"""))).ToList();
            try
            {
                await replica.OpenAsync(disk);
            }
            catch (SimulatedCrashException)
            {
                // The process is gone; the early mutations lived only in memory until they were recorded.
            }

            var recovered = new Replica(CounterMutators.Table);
            var opened = await recovered.OpenAsync(new SimulatedDisk(image: disk.AfterCrash(powerLoss: false, new Random(crashAt))));
            var pending = recovered.Pending().Select(m => m.Id).ToList();
            var context = $"crash at {disk.CrashedAt ?? "none"}";

            Assert.Empty(opened.Problems);
            Assert.Equal(held.Cursor, recovered.Cursor);
            Assert.Equal(held.Confirmed, StateDigest.Of(recovered.ConfirmedSnapshot()));
            Assert.Equal(held.Pending, pending.Take(held.Pending.Count)); // what the journal held, in order
            var adopted = pending.Skip(held.Pending.Count).ToList();
            Assert.True(adopted.SequenceEqual(early.Take(adopted.Count)), $"{context}: the early mutations recorded are not a prefix in order");
            Assert.Null(JournalWorkload.VisibleProblem(recovered));
            if (disk.CrashedAt is null)
            {
                Assert.Equal(early, adopted);
            }
        }
    }

    [Fact]
    public async Task A_version_1_journal_keeps_its_client_id_and_pending_mutations_and_takes_a_new_snapshot()
    {
        var factory = new MutationFactory("old-client-7", "_default", 40);
        var kept = factory.Create("counter.add", CounterMutators.Args("""{"id":"c1","n":5}"""));
        var removed = factory.Create("counter.add", CounterMutators.Args("""{"id":"c1","n":6}"""));
        var buffer = new ByteBuffer();
        buffer.WriteBytes("VSJL"u8);
        buffer.WriteUInt32(1);
        V1Record(buffer, 1, b => { b.WriteString("old-client-7"); b.WriteUInt64(40); });
        V1Record(buffer, 2, b => MutationJson.Write(b, kept, includeLocalFields: true));
        V1Record(buffer, 2, b => MutationJson.Write(b, removed, includeLocalFields: true));
        V1Record(buffer, 3, b => { b.WriteUInt32(1); b.WriteString(removed.Id); });
        V1Record(buffer, 4, b => { b.WriteUInt64(99); b.WriteUInt64(17); }); // a cursor for the old store file, not carried over
        var memory = new SimulatedDisk(image: buffer.WrittenSpan.ToArray());

        var replica = new Replica(CounterMutators.Table);
        var opened = await replica.OpenAsync(memory);
        replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));

        Assert.Empty(opened.Problems);
        Assert.Equal(0UL, opened.Cursor);
        Assert.Equal("old-client-7", replica.ClientId);
        Assert.Equal([kept.Id], replica.Pending().Take(1).Select(m => m.Id));
        Assert.Equal(43UL, replica.Pending()[1].Seq); // numbering goes on after the old journal's
        Assert.Equal(6, CounterMutators.Value(replica.Store, "counter", "c1"));
        await replica.DisposeAsync();

        // It was rewritten in the current format.
        var again = new Replica(CounterMutators.Table);
        await again.OpenAsync(new SimulatedDisk(image: memory.AfterCrash(powerLoss: false, new Random(1))));
        Assert.Equal(2, again.Pending().Count);
        await again.DisposeAsync();
    }

    /// <summary>A version 1 frame: length, CRC-32C of length and payload, payload (kind, body).</summary>
    private static void V1Record(ByteBuffer buffer, byte kind, Action<ByteBuffer> body)
    {
        var payload = new ByteBuffer();
        payload.WriteByte(kind);
        body(payload);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)payload.Length);
        buffer.WriteBytes(length);
        buffer.WriteUInt32(Crc32C.Append(Crc32C.Compute(length), payload.WrittenSpan));
        buffer.WriteBytes(payload.WrittenSpan);
    }
}
