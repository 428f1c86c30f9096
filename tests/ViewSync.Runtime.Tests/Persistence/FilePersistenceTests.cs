using ViewSync.Persistence;

namespace ViewSync.Runtime.Tests.Persistence;

public sealed class FilePersistenceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FilePersistence Create(long compactionThreshold = FilePersistenceOptions.DefaultCompactionThresholdBytes) =>
        new(_directory.Path, new FilePersistenceOptions { CompactionThresholdBytes = compactionThreshold });

    private async Task<PersistedState> ReloadAsync()
    {
        await using var persistence = Create();
        return await persistence.LoadAsync();
    }

    [Fact]
    public void Directories_can_be_flushed_to_disk_on_this_platform()
    {
        var flushed = DirectoryFlush.Flush(_directory.Path);

        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD(), flushed);
        Assert.False(DirectoryFlush.Flush(_directory.File("missing")));
    }

    [Fact]
    public async Task The_directory_is_created_when_missing()
    {
        var nested = Path.Combine(_directory.Path, "a", "b");
        await using var persistence = new FilePersistence(nested);

        await persistence.LoadAsync();

        Assert.True(File.Exists(Path.Combine(nested, FilePersistence.JournalFileName)));
        Assert.Equal(Path.GetFullPath(nested), persistence.DirectoryPath);
    }

    [Fact]
    public async Task A_second_instance_is_refused_while_the_first_holds_the_directory()
    {
        await using var first = Create();
        await first.LoadAsync();
        await using var second = Create();

        var error = await Assert.ThrowsAsync<PersistenceLockedException>(() => second.LoadAsync().AsTask());

        Assert.Contains(_directory.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
        Assert.Equal(first.DirectoryPath, error.Directory);

        await first.DisposeAsync();
        var state = await second.LoadAsync();
        Assert.Empty(state.Problems);
    }

    [Fact]
    public async Task Dispose_releases_the_lock_is_idempotent_and_later_calls_throw_ObjectDisposedException()
    {
        var persistence = Create();
        await persistence.LoadAsync();

        await persistence.DisposeAsync();
        await persistence.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => persistence.AppendAsync(TestData.Mutation(1)).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => persistence.LoadAsync().AsTask());
        Assert.Empty((await ReloadAsync()).Problems);
    }

    [Fact]
    public async Task Disposing_an_instance_that_never_loaded_is_fine()
    {
        var persistence = Create();
        await persistence.DisposeAsync();
        Assert.False(File.Exists(_directory.File(FilePersistence.LockFileName)));
    }

    [Fact]
    public void Invalid_constructor_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new FilePersistence(" "));
        Assert.Throws<ArgumentNullException>(() => new FilePersistence(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FilePersistence(_directory.Path, new FilePersistenceOptions { CompactionThresholdBytes = -1 }));
    }

    [Fact]
    public async Task Compaction_shrinks_the_journal_and_keeps_every_piece_of_state()
    {
        var store = TestData.Store();
        var mutations = Enumerable.Range(1, 300).Select(i => TestData.Mutation((ulong)i, padding: 50)).ToList();
        long peak = 0, written = 0;
        string clientId;
        await using (var persistence = Create(compactionThreshold: 4096))
        {
            clientId = (await persistence.LoadAsync()).ClientId;
            await persistence.SaveStoreAsync(store, 5);
            foreach (var mutation in mutations)
            {
                var before = persistence.JournalLength;
                await persistence.AppendAsync(mutation);
                written += Math.Max(0, persistence.JournalLength - before);
                if (mutation.Seq > 3)
                {
                    await persistence.RemoveAsync([mutations[(int)mutation.Seq - 4].Id]);
                }

                await persistence.SaveCursorAsync(mutation.Seq + 5);
                peak = Math.Max(peak, persistence.JournalLength);
            }

            Assert.True(peak < 8192 + 1024, $"the journal grew to {peak} bytes; compaction should keep it near its 4096-byte threshold");
            Assert.True(written > peak * 3, $"{written} bytes were appended in all, so compaction must have run to keep the peak at {peak}");
        }

        var state = await ReloadAsync();
        Assert.Empty(state.Problems);
        Assert.Equal(clientId, state.ClientId);
        Assert.Equal(mutations[^3..], state.Pending);
        Assert.Equal(300UL, state.LastSeq);
        Assert.Equal(305UL, state.Cursor);
        TestData.AssertSameStore(store, state.Store);
        Assert.False(File.Exists(_directory.File(FilePersistence.JournalFileName + ".tmp")));
    }

    [Fact]
    public async Task Compaction_keeps_the_last_seq_when_everything_was_removed()
    {
        await using (var persistence = Create(compactionThreshold: 0))
        {
            await persistence.LoadAsync();
            for (var seq = 1UL; seq <= 20; seq++)
            {
                var mutation = TestData.Mutation(seq);
                await persistence.AppendAsync(mutation);
                await persistence.RemoveAsync([mutation.Id]);
            }
        }

        var state = await ReloadAsync();
        Assert.Empty(state.Pending);
        Assert.Equal(20UL, state.LastSeq);
        Assert.True(new FileInfo(_directory.File(FilePersistence.JournalFileName)).Length < 200);
    }

    [Fact]
    public async Task A_store_file_of_a_cleared_generation_is_ignored_after_a_crash_before_its_deletion()
    {
        var storePath = _directory.File(FilePersistence.StoreFileName);
        await using (var persistence = Create())
        {
            await persistence.LoadAsync();
            await persistence.SaveStoreAsync(TestData.Store(), 50);
            File.Copy(storePath, storePath + ".saved");
            await persistence.ClearAsync();
        }

        // As if the process died between the clear record and deleting the file.
        File.Move(storePath + ".saved", storePath);
        var state = await ReloadAsync();

        Assert.Equal(0, state.Store.Count);
        Assert.Equal(0UL, state.Cursor);
        Assert.Empty(state.Problems);
        Assert.False(File.Exists(storePath));
    }

    [Fact]
    public async Task A_missing_store_file_resets_the_cursor_and_is_reported()
    {
        await using (var persistence = Create())
        {
            await persistence.LoadAsync();
            await persistence.AppendAsync(TestData.Mutation(1));
            await persistence.SaveStoreAsync(TestData.Store(), 50);
            await persistence.SaveCursorAsync(60);
        }

        File.Delete(_directory.File(FilePersistence.StoreFileName));
        var state = await ReloadAsync();

        var problem = Assert.Single(state.Problems);
        Assert.Equal(PersistenceProblemKind.StoreMissing, problem.Kind);
        Assert.Equal(0UL, state.Cursor);
        Assert.Single(state.Pending);

        var again = await ReloadAsync();
        Assert.Empty(again.Problems);
        Assert.Equal(0UL, again.Cursor);
    }

    [Fact]
    public async Task Leftover_temporary_files_from_a_crashed_rewrite_are_removed()
    {
        await using (var persistence = Create())
        {
            await persistence.LoadAsync();
            await persistence.AppendAsync(TestData.Mutation(1));
        }

        await File.WriteAllBytesAsync(_directory.File(FilePersistence.JournalFileName + ".tmp"), [1, 2, 3]);
        await File.WriteAllBytesAsync(_directory.File(FilePersistence.StoreFileName + ".tmp"), [4, 5]);
        var state = await ReloadAsync();

        Assert.Single(state.Pending);
        Assert.Empty(state.Problems);
        Assert.False(File.Exists(_directory.File(FilePersistence.JournalFileName + ".tmp")));
        Assert.False(File.Exists(_directory.File(FilePersistence.StoreFileName + ".tmp")));
    }

    [Fact]
    public async Task A_cancelled_append_writes_nothing_and_the_instance_keeps_working()
    {
        await using var persistence = Create();
        await persistence.LoadAsync();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var append = persistence.AppendAsync(TestData.Mutation(1), cancellation.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => append.AsTask());

        await persistence.AppendAsync(TestData.Mutation(2));
        Assert.Equal([2UL], (await persistence.LoadAsync()).Pending.Select(m => m.Seq));
    }
}
