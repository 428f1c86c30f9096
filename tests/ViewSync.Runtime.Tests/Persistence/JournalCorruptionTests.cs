using System.Text.Json;
using ViewSync.Persistence;
using ViewSync.Store;
using ViewSync.Tests.Journal;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>
/// Damaged journals: every intact record is kept, each damage is reported with what it cost, the damaged
/// original is kept beside the repaired journal, and the client goes on working.
/// </summary>
public sealed class JournalCorruptionTests : IDisposable
{
    private static readonly JournalOptions NoCompaction = new() { CompactionThresholdBytes = long.MaxValue };
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string JournalPath => _directory.File(FilePersistence.JournalFileName);

    [Fact]
    public async Task A_flipped_byte_anywhere_costs_at_most_the_record_it_hit()
    {
        var ids = await WriteJournalAsync(mutations: 60);
        var original = await File.ReadAllBytesAsync(JournalPath);
        var random = new Random(3);
        for (var trial = 0; trial < 60; trial++)
        {
            var offset = random.Next(JournalFrames.HeaderLength, original.Length);
            var damaged = (byte[])original.Clone();
            damaged[offset] ^= (byte)(1 << random.Next(8));
            await File.WriteAllBytesAsync(JournalPath, damaged);

            var (replica, opened) = await OpenAsync();
            var pending = replica.Pending().Select(m => m.Id).ToList();
            await replica.DisposeAsync();

            var context = $"byte {offset} of {original.Length}";
            var problem = Assert.Single(opened.Problems);
            Assert.True(problem.Kind is PersistenceProblemKind.JournalCorrupt or PersistenceProblemKind.JournalTornTail, context);
            Assert.InRange(problem.Offset, 0, offset);
            Assert.True(ids.Except(pending).Count() <= 1, $"{context}: lost {ids.Except(pending).Count()} mutations: {problem}");
            Assert.Equal(ids.Intersect(pending), pending); // in order, nothing invented
            Assert.Equal(damaged, await File.ReadAllBytesAsync(problem.PreservedCopy!)); // the original is kept as it was
            File.Delete(problem.PreservedCopy!);
            if (problem.Kind == PersistenceProblemKind.JournalCorrupt)
            {
                Assert.Equal(0UL, opened.Cursor); // a page may be missing: take a snapshot
            }
        }
    }

    [Fact]
    public async Task Damage_in_the_first_queued_record_keeps_all_the_others()
    {
        var ids = await WriteJournalAsync(mutations: 470, pages: false);
        var log = await File.ReadAllBytesAsync(JournalPath);
        var first = FrameOffsets(log)[2]; // after the meta record and the sequence number reservation
        log[first + JournalFrames.FrameHeaderLength + 5] ^= 0x40;
        await File.WriteAllBytesAsync(JournalPath, log);

        var (replica, opened) = await OpenAsync();
        var pending = replica.Pending().Select(m => m.Id).ToList();
        await replica.DisposeAsync();

        Assert.Equal(ids.Skip(1), pending);
        var problem = Assert.Single(opened.Problems);
        Assert.Equal(PersistenceProblemKind.JournalCorrupt, problem.Kind);
        Assert.Equal(first, problem.Offset);
        Assert.True(new FileInfo(JournalPath).Length > log.Length / 2, "the repaired journal still holds the intact records");
        var (again, reopened) = await OpenAsync();
        Assert.Empty(reopened.Problems); // repaired once, reported once
        Assert.Equal(ids.Skip(1), again.Pending().Select(m => m.Id));
        await again.DisposeAsync();
    }

    [Fact]
    public async Task Truncation_at_any_point_keeps_every_whole_record_before_it()
    {
        var ids = await WriteJournalAsync(mutations: 30);
        var original = await File.ReadAllBytesAsync(JournalPath);
        var frames = FrameOffsets(original);
        for (var length = JournalFrames.HeaderLength; length < original.Length; length += 37)
        {
            await File.WriteAllBytesAsync(JournalPath, original[..length]);
            var (replica, opened) = await OpenAsync();
            var pending = replica.Pending().Select(m => m.Id).ToList();
            await replica.DisposeAsync();

            Assert.Equal(ids.Take(pending.Count), pending);
            var atBoundary = frames.Contains(length);
            Assert.Equal(atBoundary ? 0 : 1, opened.Problems.Count);
            Assert.All(opened.Problems, p => Assert.Equal(PersistenceProblemKind.JournalTornTail, p.Kind));
            foreach (var copy in Directory.GetFiles(_directory.Path, "*.damaged-*"))
            {
                File.Delete(copy);
            }
        }
    }

    [Fact]
    public async Task A_record_with_a_valid_checksum_over_bad_json_is_skipped_and_reported()
    {
        var ids = await WriteJournalAsync(mutations: 5, pages: false);
        var buffer = new ByteBuffer();
        var start = JournalFrames.Begin(buffer, JournalRecordKind.Queued);
        buffer.WriteBytes("""{"id":"x","name":"counter.add","args":{"""u8);
        JournalFrames.End(buffer, start);
        var log = await File.ReadAllBytesAsync(JournalPath);
        var at = FrameOffsets(log)[3];
        await File.WriteAllBytesAsync(JournalPath, [.. log[..at], .. buffer.WrittenSpan, .. log[at..]]);

        var (replica, opened) = await OpenAsync();
        Assert.Equal(ids, replica.Pending().Select(m => m.Id));
        await replica.DisposeAsync();

        var problem = Assert.Single(opened.Problems);
        Assert.Equal(PersistenceProblemKind.JournalCorrupt, problem.Kind);
        Assert.Contains("does not decode", problem.Description, StringComparison.Ordinal);
        Assert.Equal(buffer.Length, problem.DroppedBytes);
    }

    [Fact]
    public async Task An_entity_value_that_is_not_json_behind_a_valid_checksum_is_damage_too()
    {
        var buffer = new ByteBuffer();
        JournalFrames.WriteHeader(buffer);
        JournalRecords.Meta(buffer, "client-a", 0);
        JournalRecords.Page(buffer, 7, [new EntityWrite("counter", "c1", """{"v":"""u8.ToArray())], []);
        await File.WriteAllBytesAsync(JournalPath, buffer.WrittenSpan.ToArray());

        var (replica, opened) = await OpenAsync();
        Assert.Equal(0, replica.Store.Count("counter"));
        await replica.DisposeAsync();
        Assert.Equal(PersistenceProblemKind.JournalTornTail, Assert.Single(opened.Problems).Kind);
    }

    [Fact]
    public async Task A_deleted_journal_beside_used_data_is_reported_not_taken_for_a_new_install()
    {
        await WriteJournalAsync(mutations: 3);
        File.Delete(JournalPath);

        var (replica, opened) = await OpenAsync();
        await replica.DisposeAsync();

        var problem = Assert.Single(opened.Problems);
        Assert.Equal(PersistenceProblemKind.JournalMissing, problem.Kind);
        Assert.Contains("pending in the lost journal are gone", problem.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_directory_is_a_new_install_with_nothing_to_report()
    {
        var (replica, opened) = await OpenAsync();
        await replica.DisposeAsync();
        Assert.Empty(opened.Problems);
        var (again, reopened) = await OpenAsync();
        Assert.Equal(replica.ClientId, again.ClientId);
        Assert.Empty(reopened.Problems);
        await again.DisposeAsync();
    }

    [Fact]
    public async Task A_foreign_file_in_the_journals_place_is_kept_aside_and_reported()
    {
        await File.WriteAllTextAsync(JournalPath, "these are somebody else's notes, not a journal");

        var (replica, opened) = await OpenAsync();
        replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));
        await replica.DisposeAsync();

        var problem = Assert.Single(opened.Problems);
        Assert.Equal(PersistenceProblemKind.JournalForeign, problem.Kind);
        Assert.Equal("these are somebody else's notes, not a journal", await File.ReadAllTextAsync(problem.PreservedCopy!));
        var (again, _) = await OpenAsync();
        Assert.Single(again.Pending());
        await again.DisposeAsync();
    }

    [Fact]
    public async Task A_directory_in_the_journals_place_gets_a_clear_error_and_nothing_is_lost()
    {
        Directory.CreateDirectory(JournalPath);
        var replica = new Replica(CounterMutators.Table);
        replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":1}"""));

        var error = await Assert.ThrowsAsync<IOException>(() => replica.OpenAsync(new FilePersistence(_directory.Path), NoCompaction));

        Assert.Contains(JournalPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
        Assert.Single(replica.Pending()); // the mutation made before opening is still queued in memory
    }

    [Fact]
    public async Task A_file_where_the_directory_should_be_gets_a_clear_error()
    {
        var path = _directory.File("not-a-directory");
        await File.WriteAllTextAsync(path, "x");
        var error = await Assert.ThrowsAsync<IOException>(() => new Replica(CounterMutators.Table).OpenAsync(new FilePersistence(path)));
        Assert.Contains("needs a directory", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes mutations (and, between them, pages confirming the oldest) without compaction; returns the pending ids in order.</summary>
    private async Task<List<string>> WriteJournalAsync(int mutations, bool pages = true)
    {
        var replica = new Replica(CounterMutators.Table);
        await replica.OpenAsync(new FilePersistence(_directory.Path), NoCompaction);
        ulong cursor = 0;
        for (var i = 0; i < mutations; i++)
        {
            replica.Mutate("counter.add", CounterMutators.Args($$"""{"id":"c{{i % 7}}","n":{{i}}}"""));
            if (pages && i % 10 == 9)
            {
                replica.ApplyServerChanges([new EntityWrite("counter", $"other{i}", CounterMutators.Counter(i))], ++cursor, []);
            }
        }

        var ids = replica.Pending().Select(m => m.Id).ToList();
        await replica.DisposeAsync();
        return ids;
    }

    private async Task<(Replica Replica, ReplicaOpenResult Opened)> OpenAsync()
    {
        var replica = new Replica(CounterMutators.Table);
        var opened = await replica.OpenAsync(new FilePersistence(_directory.Path), NoCompaction);
        return (replica, opened);
    }

    /// <summary>The offset of every intact frame of a log.</summary>
    private static List<int> FrameOffsets(byte[] log)
    {
        var offsets = new List<int>();
        var offset = JournalFrames.HeaderLength;
        while (JournalFrames.TryRead(log, offset, out var payload, out var length, out _, out _))
        {
            offsets.Add(offset);
            offset = payload + length;
        }

        offsets.Add(offset);
        return offsets;
    }
}
