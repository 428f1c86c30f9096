using System.Text.Json;
using TodoSample;
using ViewSync.Benchmarks.Journal;
using ViewSync.Benchmarks.Journal.Baselines;
using ViewSync.Persistence;

namespace ViewSync.Benchmarks.Tests;

/// <summary>
/// The journal benchmarks measure what they claim: a page really changes 100 entities and is journaled
/// (a restart replays it), the JSON baseline is the same page, the old-design baseline really rewrites
/// every entity, and the restart benchmark's journal holds 100k rows.
/// </summary>
public sealed class JournalBenchmarkTests
{
    private const int Entities = 1_000;

    [Fact]
    public async Task A_benchmark_page_changes_100_entities_and_a_restart_replays_it()
    {
        var directory = JournalData.NewDirectory("test-page");
        try
        {
            var page = JournalData.Page(950, Entities, version: 7); // wraps past the last id
            Assert.Equal(JournalData.PageSize, page.Select(w => w.Id).Distinct().Count());
            await using (var replica = await JournalData.OpenFilledAsync(directory, Entities))
            {
                replica.ApplyServerChanges(page, 2, []);
                Assert.All(page, w => Assert.Equal(w.Json!.Value.ToArray(), Visible(replica, w.Id)));
            }

            await using var restarted = new Replica(TodoDb.Mutators);
            var opened = await restarted.OpenAsync(new FilePersistence(directory));
            Assert.Equal(2UL, opened.Cursor);
            Assert.Empty(opened.Problems);
            Assert.Equal(Entities, restarted.Store.Count("todo"));
            Assert.All(page, w => Assert.Equal(w.Json!.Value.ToArray(), Visible(restarted, w.Id)));
        }
        finally
        {
            JournalData.DeleteDirectory(directory);
        }
    }

    [Fact]
    public void The_json_baseline_parses_the_same_page()
    {
        var page = JournalData.Page(0, Entities, version: 1);
        using var document = JsonDocument.Parse(JournalData.PageJson(page, 1));
        var changes = document.RootElement.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(page.Select(w => w.Id), changes.Select(c => c.GetProperty("data").GetProperty("id").GetString()));
    }

    [Fact]
    public void The_old_design_baseline_rewrites_every_entity_per_page()
    {
        var directory = JournalData.NewDirectory("test-old");
        try
        {
            using var old = new WholeStoreRewrite(directory);
            var replica = new Replica(TodoDb.Mutators);
            replica.ResetConfirmed(JournalData.Snapshot(Entities), 1, []);
            var page = JournalData.Page(0, Entities, version: 1);
            replica.ApplyServerChanges(page, 2, []);
            old.SavePage(replica, 2, []);

            var minimum = Enumerable.Range(0, Entities).Sum(i => JournalData.Todo(i, 0).Length);
            Assert.True(old.StoreBytes > minimum, $"store file {old.StoreBytes} bytes, the entities' JSON alone is {minimum}");
            Assert.Equal(old.StoreBytes, new FileInfo(Path.Combine(directory, "store.vss")).Length);
        }
        finally
        {
            JournalData.DeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task The_restart_benchmark_reopens_all_100k_rows()
    {
        var benchmark = new RestartBenchmarks();
        benchmark.Setup();
        try
        {
            Assert.Equal(RestartBenchmarks.Rows, await benchmark.OpenAsync_100k_Journal());
            Assert.Equal(RestartBenchmarks.Rows, await benchmark.OpenAsync_100k_Journal()); // closed, so it reopens
            Assert.True(benchmark.ReadJournalBytes() > RestartBenchmarks.Rows * 20);
        }
        finally
        {
            benchmark.Cleanup();
        }
    }

    private static byte[] Visible(Replica replica, string id) =>
        replica.Store.Get("todo", id)?.ToArray() ?? [];
}
