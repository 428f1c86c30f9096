using System.Text;
using System.Text.Json;
using ViewSync.Mutators;
using ViewSync.Persistence;

namespace ViewSync.Generators.IntegrationTests;

/// <summary>
/// Issue 15's write path: the built-in create, update and delete of a typed value encode it once and store those
/// bytes, and entity handles are reused and answer from their cache while nothing changed. These tests check that
/// the shortcut keeps every rule of the long way: the same wire form, the same refusals with nothing queued, the
/// same replay on a rebase, nothing lost or duplicated when the journal cannot record, and no stale read.
/// </summary>
public sealed class WritePathTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static Todo Milk => new("abc", "Buy milk", false, Noon, ["shop"]);

    [Fact]
    public void A_create_is_queued_with_the_wire_form_of_the_built_in_mutator()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);

        var mutation = Assert.Single(db.Replica.Pending());
        var data = JsonSerializer.Serialize(Milk, AppJson.Default.Todo);
        Assert.Equal(
            "{\"id\":\"" + mutation.Id + "\",\"name\":\"todo.create\",\"scope\":\"_default\",\"args\":{\"id\":\"abc\",\"data\":" + data + "}}",
            Encoding.UTF8.GetString(mutation.ToUtf8Json()));
        Assert.Equal("abc", mutation.Args.GetProperty("id").GetString());
        Assert.Equal(data, mutation.Args.GetProperty("data").GetRawText());

        // What a server runs on the same arguments accepts them.
        var server = new BufferedTransactionOver();
        TodoDb.Mutators.Apply(server.Transaction, mutation.Name, mutation.Args);
        Assert.Equal(data, Encoding.UTF8.GetString(Assert.Single(server.Transaction.Writes).Json!.Value.Span));
    }

    [Fact]
    public void Refused_writes_queue_nothing_and_change_nothing()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);
        using var counted = new Effect(() => db.Todos.Count());

        var twice = Assert.Throws<MutationRejectedException>(() => db.Todos.Create(Milk with { Title = "again" }));
        Assert.Contains("already exists", twice.Message, StringComparison.Ordinal);
        Assert.Single(db.Replica.Pending());
        Assert.Equal("Buy milk", db.Todos.Get("abc").Get()!.Title);

        var key = Assert.Throws<ArgumentException>(() => db.Todos.Get("abc").Set(Milk with { Id = "other" }));
        Assert.Contains("'other'", key.Message, StringComparison.Ordinal);
        Assert.Single(db.Replica.Pending());
    }

    [Fact]
    public void Set_creates_a_missing_entity_and_updates_an_existing_one()
    {
        var db = new TodoDb();
        var handle = db.Todos.Get("abc");
        handle.Set(Milk);
        handle.Set(Milk with { Done = true });
        handle.Delete();
        handle.Set(Milk with { Title = "back" });

        Assert.Equal(["todo.create", "todo.update", "todo.delete", "todo.create"], db.Replica.Pending().Select(m => m.Name));
        Assert.Equal("back", handle.Get()!.Title);
        Assert.Equal(4, db.Replica.Pending().Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public void Pending_writes_replay_on_a_rebase_like_any_mutation()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);
        db.Todos.Get("abc").Set(Milk with { Title = "Buy oat milk" });
        db.Todos.Create(Milk with { Id = "gone" });
        db.Todos.Get("gone").Delete();

        // The server state arrives without any of them: the pending ones are replayed over it.
        var snapshot = new Store.StoreSnapshot.Builder();
        snapshot.Add("todo", "srv", JsonSerializer.SerializeToUtf8Bytes(Milk with { Id = "srv", Title = "from server" }, AppJson.Default.Todo));
        db.Replica.ResetConfirmed(snapshot.Build(), 5, []);

        Assert.Equal(["abc", "srv"], db.Todos.Ids());
        Assert.Equal("Buy oat milk", db.Todos.Get("abc").Get()!.Title);
        Assert.Null(db.Todos.Get("gone").Get());
        Assert.Equal(4, db.Replica.Pending().Count);
    }

    [Fact]
    public void The_pending_count_and_the_optimistic_entities_follow_creates_confirmations_and_rejections()
    {
        var db = new TodoDb();
        var seen = new List<int>();
        using var watch = new Effect(() => seen.Add(db.Replica.PendingCount.Get()));
        db.Todos.Create(Milk);
        db.Todos.Create(Milk with { Id = "def", Title = "Buy eggs" });
        db.Todos.Create(Milk with { Id = "ghi", Title = "Buy tea" });
        Assert.Equal([0, 1, 2, 3], seen);
        var pending = db.Replica.Pending();

        // The server confirms the first two, with its own title for "abc"; "ghi" stays optimistic, replayed on top.
        db.Replica.ApplyServerChanges(
            [
                new("todo", "abc", JsonSerializer.SerializeToUtf8Bytes(Milk with { Title = "Buy oat milk" }, AppJson.Default.Todo)),
                new("todo", "def", JsonSerializer.SerializeToUtf8Bytes(Milk with { Id = "def", Title = "Buy eggs" }, AppJson.Default.Todo)),
            ],
            1,
            [pending[0].Id, pending[1].Id]);
        Assert.Equal(1, db.Replica.PendingCount.Get());
        Assert.Equal("Buy oat milk", db.Todos.Get("abc").Get()!.Title);
        Assert.Equal("Buy tea", db.Todos.Get("ghi").Get()!.Title);

        // Rejected: rolled back to the confirmed state, where "ghi" does not exist.
        Assert.True(db.Replica.Reject(pending[2].Id));
        Assert.Equal(0, db.Replica.PendingCount.Get());
        Assert.Null(db.Todos.Get("ghi").Get());
        Assert.Equal(["abc", "def"], db.Todos.Ids());

        // After the rebases emptied the optimistic entities, a new create is one again: a page without it keeps it
        // visible, and a page that deletes "abc" (no longer optimistic) shows the server's delete.
        db.Todos.Create(Milk with { Id = "ghi", Title = "Buy tea again" });
        Assert.Equal(1, db.Replica.PendingCount.Get());
        db.Replica.ApplyServerChanges([new("todo", "abc", null)], 2, []);
        Assert.Equal(["def", "ghi"], db.Todos.Ids());
        Assert.Equal("Buy tea again", db.Todos.Get("ghi").Get()!.Title);
        Assert.Equal(1, seen[^1]);
    }

    [Fact]
    public async Task A_failed_save_queues_nothing_and_what_Create_returned_survives_a_restart_exactly_once()
    {
        var disk = new FailingPersistence(new MemoryPersistence());
        var db = new TodoDb(new Replica(TodoDb.Mutators));
        await db.Replica.OpenAsync(disk);
        db.Todos.Create(Milk);

        disk.Failing = true;
        Assert.Throws<IOException>(() => db.Todos.Create(Milk with { Id = "lost" }));
        Assert.Throws<IOException>(() => db.Todos.Get("abc").Set(Milk with { Title = "not saved" }));
        Assert.Null(db.Todos.Get("lost").Get());
        Assert.Equal("Buy milk", db.Todos.Get("abc").Get()!.Title);
        Assert.Equal(1, db.Todos.Count());
        Assert.Single(db.Replica.Pending());

        disk.Failing = false;
        db.Todos.Create(Milk with { Id = "kept" });
        var returned = db.Replica.Pending().Select(m => m.Id).ToList();
        await db.Replica.DisposeAsync();

        var again = new TodoDb(new Replica(TodoDb.Mutators));
        await again.Replica.OpenAsync(disk);
        Assert.Equal(returned, again.Replica.Pending().Select(m => m.Id));
        Assert.Equal(["abc", "kept"], again.Todos.Ids());
        await again.Replica.DisposeAsync();
    }

    [Fact]
    public void A_handle_is_reused_and_reads_every_change()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);
        var handle = db.Todos.Get("abc");
        Assert.Same(handle, db.Todos.Get("abc"));

        var first = handle.Get();
        Assert.Same(first, handle.Get()); // cached: the same decoded instance
        Assert.Same(first, db.Todos.All()[0]);

        // A change anywhere moves the store's revision; a change of this entity gives a new value.
        db.Todos.Create(Milk with { Id = "other" });
        Assert.Same(first, handle.Get());
        handle.Set(Milk with { Title = "changed" });
        Assert.Equal("changed", handle.Get()!.Title);

        // A server change too, and a delete.
        var snapshot = new Store.StoreSnapshot.Builder();
        snapshot.Add("todo", "abc", JsonSerializer.SerializeToUtf8Bytes(Milk with { Title = "server" }, AppJson.Default.Todo));
        db.Replica.ResetConfirmed(snapshot.Build(), 1, db.Replica.Pending().Select(m => m.Id).ToList());
        Assert.Equal("server", handle.Get()!.Title);
        handle.Delete();
        Assert.Null(handle.Get());
        Assert.False(handle.Exists());
    }

    [Fact]
    public void Inside_an_effect_a_handle_read_subscribes_to_its_entity()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);
        var handle = db.Todos.Get("abc");
        _ = handle.Get(); // warm the cache, so the effect's read must not take the untracked shortcut
        var seen = new List<string?>();
        using var effect = new Effect(() => seen.Add(handle.Get()?.Title));

        handle.Set(Milk with { Title = "one" });
        db.Todos.Create(Milk with { Id = "unrelated" });
        handle.Delete();

        Assert.Equal(["Buy milk", "one", null], seen);
    }

    [Fact]
    public async Task A_reader_on_another_thread_never_sees_a_value_older_than_a_finished_write()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk with { Title = "0" });
        var handle = db.Todos.Get("abc");
        const int Writes = 3_000;
        var written = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(() =>
        {
            var reads = 0;
            started.SetResult();
            while (Volatile.Read(ref written) < Writes && !stop.IsCancellationRequested)
            {
                var floor = Volatile.Read(ref written);
                var title = int.Parse(handle.Get()!.Title, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(title >= floor, $"read {title} after write {floor} had finished");
                reads++;
            }

            return reads;
        });

        await started.Task.WaitAsync(stop.Token);
        for (var i = 1; i <= Writes; i++)
        {
            handle.Set(Milk with { Title = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Volatile.Write(ref written, i);
        }

        Assert.True(await reader > 0);
        Assert.Equal(Writes.ToString(System.Globalization.CultureInfo.InvariantCulture), handle.Get()!.Title);
    }

    /// <summary>A transaction over an empty state, as the server's engine runs mutators.</summary>
    private sealed class BufferedTransactionOver
    {
        public BufferedTransaction Transaction { get; } = new(new Store.LocalStore());
    }

    /// <summary>A journal location whose appends fail while <see cref="Failing"/> is set, as on a full disk.</summary>
    private sealed class FailingPersistence(IPersistence inner) : IPersistence
    {
        public bool Failing { get; set; }

        public string Location => inner.Location;

        public ValueTask<PersistenceImage> OpenAsync(CancellationToken cancellationToken = default) => inner.OpenAsync(cancellationToken);

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Failing)
            {
                throw new IOException("No space left on device (test).");
            }

            inner.Append(bytes);
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public IPersistenceRewrite BeginRewrite() => inner.BeginRewrite();

        public string? Preserve() => inner.Preserve();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
