using ViewSync.Mutations;
using ViewSync.Persistence;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>
/// Damages a journal and a store file at random offsets and checks that loading keeps exactly what
/// precedes the damage, reports the rest, never throws, and repairs the files.
/// </summary>
public sealed class FilePersistenceCorruptionTests : IClassFixture<FilePersistenceCorruptionTests.Reference>, IDisposable
{
    private readonly Reference _reference;
    private readonly TempDirectory _scratch = new();

    public FilePersistenceCorruptionTests(Reference reference) => _reference = reference;

    public void Dispose() => _scratch.Dispose();

    /// <summary>The state the reference journal describes once it is read up to <see cref="End"/>.</summary>
    public sealed record Boundary(long End, IReadOnlyList<Mutation> Pending, ulong Cursor, ulong LastSeq);

    /// <summary>A journal written by a random series of operations, with the state after each one.</summary>
    public sealed class Reference : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();

        public byte[] Journal { get; private set; } = [];

        public byte[] StoreFile { get; private set; } = [];

        public string ClientId { get; private set; } = "";

        public List<Boundary> Boundaries { get; } = [];

        public async Task InitializeAsync()
        {
            var random = new Random(20261124);
            var pending = new List<Mutation>();
            ulong cursor = 10, seq = 0;
            await using (var persistence = new FilePersistence(_directory.Path, new FilePersistenceOptions { CompactionThresholdBytes = long.MaxValue }))
            {
                ClientId = (await persistence.LoadAsync()).ClientId;
                await persistence.SaveStoreAsync(TestData.Store(), cursor);
                Boundaries.Add(new Boundary(persistence.JournalLength, [], cursor, 0));
                for (var op = 0; op < 250; op++)
                {
                    var roll = random.Next(10);
                    if (roll < 7 || pending.Count == 0)
                    {
                        var mutation = TestData.Mutation(++seq, padding: random.Next(100));
                        await persistence.AppendAsync(mutation);
                        pending.Add(mutation);
                    }
                    else if (roll < 9)
                    {
                        var remove = Enumerable.Range(0, random.Next(1, 4)).Select(_ => pending[random.Next(pending.Count)].Id).Distinct().ToList();
                        await persistence.RemoveAsync(remove);
                        pending.RemoveAll(m => remove.Contains(m.Id));
                    }
                    else
                    {
                        cursor += (ulong)random.Next(1, 5);
                        await persistence.SaveCursorAsync(cursor);
                    }

                    Boundaries.Add(new Boundary(persistence.JournalLength, pending.ToList(), cursor, seq));
                }
            }

            Journal = await File.ReadAllBytesAsync(Path.Combine(_directory.Path, FilePersistence.JournalFileName));
            StoreFile = await File.ReadAllBytesAsync(Path.Combine(_directory.Path, FilePersistence.StoreFileName));
            Assert.Equal(Boundaries[^1].End, Journal.Length);
        }

        public Task DisposeAsync()
        {
            _directory.Dispose();
            return Task.CompletedTask;
        }
    }

    private async Task<(string Directory, PersistedState State)> LoadDamagedAsync(int seed, byte[] journal, byte[] store)
    {
        var directory = Path.Combine(_scratch.Path, seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, FilePersistence.JournalFileName), journal);
        await File.WriteAllBytesAsync(Path.Combine(directory, FilePersistence.StoreFileName), store);
        await using var persistence = new FilePersistence(directory);
        return (directory, await persistence.LoadAsync());
    }

    [Fact]
    public async Task A_damaged_journal_loads_exactly_the_records_before_the_damage()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var journal = _reference.Journal.ToArray();
            var firstDamage = (long)journal.Length;
            var mode = random.Next(3);
            if (mode != 1)
            {
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    // Early seeds hit the header, the rest land anywhere.
                    var offset = seed < 10 ? random.Next(16) : random.Next(journal.Length);
                    journal[offset] ^= (byte)random.Next(1, 256);
                    firstDamage = Math.Min(firstDamage, offset);
                }
            }

            var cutAtBoundary = false;
            if (mode != 0)
            {
                var cut = random.Next(2) == 0
                    ? random.Next(journal.Length)
                    : (int)_reference.Boundaries[random.Next(_reference.Boundaries.Count - 1)].End;
                journal = journal[..cut];
                cutAtBoundary = cut < firstDamage && _reference.Boundaries.Exists(b => b.End == cut);
                firstDamage = Math.Min(firstDamage, cut);
            }

            var (directory, state) = await LoadDamagedAsync(seed, journal, _reference.StoreFile);

            var expected = _reference.Boundaries.LastOrDefault(b => b.End <= firstDamage);
            var context = $"seed {seed}, first damage at {firstDamage}";
            Assert.True(expected is null || state.ClientId == _reference.ClientId, context);
            Assert.Equal(expected?.Pending ?? [], state.Pending);
            Assert.Equal(expected?.Cursor ?? 10, state.Cursor);
            Assert.Equal(expected?.LastSeq ?? 0, state.LastSeq);
            Assert.Equal(TestData.Store().Count, state.Store.Count);
            if (cutAtBoundary)
            {
                Assert.Empty(state.Problems);
            }
            else
            {
                var problem = Assert.Single(state.Problems);
                Assert.True(problem.Kind is PersistenceProblemKind.JournalCorrupt or PersistenceProblemKind.JournalTornTail, context);
                Assert.Equal(Path.Combine(directory, FilePersistence.JournalFileName), problem.File);
                // The problem starts where the last good record ends (after the 8-byte header when the first record is bad).
                Assert.Equal(firstDamage < 8 ? 0 : expected?.End ?? 8, problem.Offset);
                Assert.Equal(journal.Length - problem.Offset, problem.DroppedBytes);
            }

            if (seed % 10 == 0)
            {
                await AssertRepairedAsync(directory, state, context);
            }
        }
    }

    /// <summary>The load repaired the files: nothing is reported again, and a new append is not lost behind garbage.</summary>
    private static async Task AssertRepairedAsync(string directory, PersistedState loaded, string context)
    {
        var extra = TestData.Mutation(loaded.LastSeq + 1);
        await using (var persistence = new FilePersistence(directory))
        {
            var again = await persistence.LoadAsync();
            Assert.True(again.Problems.Count == 0, context);
            Assert.Equal(loaded.Pending, again.Pending);
            Assert.Equal(loaded.ClientId, again.ClientId);
            await persistence.AppendAsync(extra);
        }

        await using (var persistence = new FilePersistence(directory))
        {
            var after = await persistence.LoadAsync();
            Assert.Empty(after.Problems);
            Assert.Equal([.. loaded.Pending, extra], after.Pending);
        }
    }

    [Fact]
    public async Task A_damaged_store_file_is_dropped_and_reported_and_the_queue_is_kept()
    {
        var final = _reference.Boundaries[^1];
        for (var seed = 0; seed < 100; seed++)
        {
            var random = new Random(seed);
            var store = _reference.StoreFile.ToArray();
            if (random.Next(2) == 0)
            {
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    store[random.Next(store.Length)] ^= (byte)random.Next(1, 256);
                }
            }
            else
            {
                store = store[..random.Next(store.Length)];
            }

            var (directory, state) = await LoadDamagedAsync(seed, _reference.Journal, store);

            var context = $"seed {seed}";
            var problem = Assert.Single(state.Problems);
            Assert.True(problem.Kind == PersistenceProblemKind.StoreCorrupt, context);
            Assert.Contains("cursor reset to 0", problem.Description, StringComparison.Ordinal);
            Assert.Equal(0, state.Store.Count);
            Assert.Equal(0UL, state.Cursor);
            Assert.Equal(final.Pending, state.Pending);
            Assert.Equal(_reference.ClientId, state.ClientId);

            if (seed % 10 == 0)
            {
                await using var persistence = new FilePersistence(directory);
                var again = await persistence.LoadAsync();
                Assert.Empty(again.Problems);
                Assert.Equal(0UL, again.Cursor);
            }
        }
    }

    [Fact]
    public async Task Garbage_and_empty_files_load_as_an_empty_reported_state()
    {
        var garbage = new byte[5000];
        new Random(7).NextBytes(garbage);

        var (_, fromGarbage) = await LoadDamagedAsync(1, garbage, garbage);
        var (_, fromEmpty) = await LoadDamagedAsync(2, [], []);

        foreach (var state in new[] { fromGarbage, fromEmpty })
        {
            Assert.Equal(
                [PersistenceProblemKind.JournalCorrupt, PersistenceProblemKind.StoreCorrupt],
                state.Problems.Select(p => p.Kind));
            Assert.Empty(state.Pending);
            Assert.Equal(0UL, state.Cursor);
            Assert.Matches("^[0-9a-f]{16}$", state.ClientId);
        }
    }
}
