using System.Text.Json;
using TodoSample;
using ViewSync.Protocol;
using ViewSync.Server.Engine;
using ViewSync.Server.Tests.Support;
using M = ViewSync.Server.Tests.Support.Mutations;

namespace ViewSync.Server.Tests.Engine;

/// <summary>Scopes of large entities: pull pages are bounded by bytes, snapshots are written as they are read.</summary>
public sealed class LargeScopeTests : IAsyncDisposable
{
    private readonly StorageFactory _storages = new();

    public ValueTask DisposeAsync() => _storages.DisposeAsync();

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task Pull_pages_are_cut_by_bytes_and_always_hold_at_least_one_change(string kind)
    {
        await using var engine = new SyncEngine(await _storages.CreateAsync(kind), new SyncEngineOptions { Mutators = TodoDb.Mutators, MaxPageBytes = 100_000 });
        await engine.PushAsync([.. Enumerable.Range(0, 10).Select(i => M.Create($"t{i}", new string('x', 30_000)))]);
        await engine.PushAsync([M.Create("huge", new string('y', 250_000))]);

        var pages = new List<PullResponse>();
        ulong cursor = 0;
        do
        {
            pages.Add(await engine.PullAsync("user:1", cursor, PullRequest.MaxLimit));
            cursor = pages[^1].CursorAfter(cursor)!.Value;
        }
        while (pages[^1].HasMore);

        Assert.Equal(11, pages.Sum(p => p.Changes.Count));
        Assert.All(pages.SkipLast(1), p => Assert.True(p.HasMore));
        Assert.Equal([3, 3, 3, 1, 1], pages.Select(p => p.Changes.Count)); // 3 × 30 KB fit in 100 KB; the 250 KB one comes alone
        Assert.All(pages, p => Assert.True(p.Changes.Count == 1 || p.Changes.Sum(c => c.Data.GetRawText().Length) <= 100_000 + 1_000));
    }

    [Theory]
    [MemberData(nameof(StorageFactory.Kinds), MemberType = typeof(StorageFactory))]
    public async Task A_written_snapshot_is_the_scopes_state_in_the_protocols_shape(string kind)
    {
        await using var engine = new SyncEngine(await _storages.CreateAsync(kind), new SyncEngineOptions { Mutators = TodoDb.Mutators });
        await engine.PushAsync([M.Create("b", "Bread"), M.Create("a", "Milk"), M.Create("x", "Other scope", scope: "user:2"), M.Delete("b")]);
        using var output = new MemoryStream();

        var cursor = await engine.WriteSnapshotAsync("user:1", output);

        using var written = JsonDocument.Parse(output.ToArray());
        var buffered = await engine.SnapshotAsync("user:1");
        Assert.Equal(buffered.Cursor, cursor);
        Assert.Equal(cursor, written.RootElement.GetProperty("cursor").GetUInt64());
        var todos = written.RootElement.GetProperty("data").GetProperty("todo");
        Assert.Equal(["a"], todos.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Milk", todos.GetProperty("a").GetProperty("title").GetString());
        Assert.Equal(buffered.Data["todo"]["a"].GetRawText(), todos.GetProperty("a").GetRawText());
    }

    [Fact]
    public async Task An_empty_scope_writes_empty_data_and_the_head()
    {
        await using var engine = new SyncEngine(await _storages.CreateAsync("sqlite"), new SyncEngineOptions { Mutators = TodoDb.Mutators });
        await engine.PushAsync([M.Create("a", "Milk", scope: "user:2")]);
        using var output = new MemoryStream();

        await engine.WriteSnapshotAsync("user:1", output);

        Assert.Equal("""{"data":{},"cursor":1}""", System.Text.Encoding.UTF8.GetString(output.ToArray()));
    }
}
