using System.Text;
using System.Text.Json;
using ViewSync.Mutators;

namespace ViewSync.Generators.IntegrationTests;

/// <summary>The generated TodoDb, end to end against the local store, as an app uses it.</summary>
public class TodoDbTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static Todo Milk => new("abc", "Buy milk", false, Noon, ["shop"]);

    [Fact]
    public void Reflection_based_json_is_off_so_everything_here_goes_through_generated_code() =>
        Assert.False(JsonSerializer.IsReflectionEnabledByDefault);

    [Fact]
    public void Create_get_set_and_delete()
    {
        var db = new TodoDb();

        var entity = db.Todos.Create("abc", Milk);
        Assert.Equal("abc", entity.Id);
        AssertSame(Milk, entity.Get());
        Assert.True(entity.Exists());
        Assert.Equal(1, db.Todos.Count());

        entity.Set(Milk with { Title = "Buy oat milk" });
        Assert.Equal("Buy oat milk", db.Todos.Get("abc").Get()!.Title);

        entity.Delete();
        Assert.False(entity.Exists());
        Assert.Null(entity.Get());
        Assert.Equal(0, db.Todos.Count());

        Assert.Equal(["todo.create", "todo.update", "todo.delete"], db.Replica.Pending().Select(m => m.Name));
        Assert.Equal(3, db.PendingCount.Get());
    }

    [Fact]
    public void Built_in_mutations_carry_id_and_data_as_the_protocol_says()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);
        db.Todos.Get("abc").Delete();

        var (create, delete) = (db.Replica.Pending()[0], db.Replica.Pending()[1]);

        Assert.Equal("abc", create.Args.GetProperty("id").GetString());
        Assert.Equal("Buy milk", create.Args.GetProperty("data").GetProperty("title").GetString());
        Assert.Equal("""{"id":"abc"}""", delete.Args.GetRawText());
        Assert.True(delete.Seq > create.Seq);
        Assert.Equal(ReplicaOptions.DefaultScope, create.Scope);
    }

    [Fact]
    public void Set_on_a_missing_entity_creates_it()
    {
        var db = new TodoDb();

        db.Todos.Get("abc").Set(Milk);

        Assert.Equal("todo.create", Assert.Single(db.Replica.Pending()).Name);
        Assert.True(db.Todos.Get("abc").Exists());
    }

    [Fact]
    public void Creating_an_existing_id_is_rejected_at_once_and_queues_nothing()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);

        var error = Assert.Throws<MutationRejectedException>(() => db.Todos.Create(Milk with { Title = "again" }));

        Assert.Equal(ErrorCodes.Conflict, error.Code);
        Assert.Single(db.Replica.Pending());
        Assert.Equal("Buy milk", db.Todos.Get("abc").Get()!.Title);
    }

    [Fact]
    public void Ids_and_keys_must_agree()
    {
        var db = new TodoDb();

        Assert.Throws<ArgumentException>(() => db.Todos.Create("xyz", Milk));
        Assert.Throws<ArgumentException>(() => db.Todos.Get("xyz").Set(Milk));
        Assert.Empty(db.Replica.Pending());
    }

    [Fact]
    public void A_mutator_applies_optimistically_before_Mutate_returns()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);
        var seen = new List<bool>();
        using var effect = new Effect(() => seen.Add(db.Todos.Get("abc").Get()!.Done));

        var id = db.Mutate.Toggle("abc");

        Assert.Equal([false, true], seen);
        var mutation = db.Replica.Pending()[^1];
        Assert.Equal(id.Id, mutation.Id);
        Assert.Equal("todo.toggle", mutation.Name);
        Assert.Equal("""{"id":"abc"}""", mutation.Args.GetRawText());
    }

    [Fact]
    public void Mutate_helpers_encode_arguments_by_parameter_name()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);

        db.Mutate.Rename("abc", "Oat milk");
        db.Mutate.Tag("abc", ["a", "b", "c"], limit: 2);

        Assert.Equal("Oat milk", db.Todos.Get("abc").Get()!.Title);
        Assert.Equal(["a", "b"], db.Todos.Get("abc").Get()!.Tags);
        Assert.Equal("""{"id":"abc","title":"Oat milk"}""", db.Replica.Pending()[1].Args.GetRawText());
        Assert.Equal("""{"id":"abc","tags":["a","b","c"],"limit":2}""", db.Replica.Pending()[2].Args.GetRawText());
    }

    [Fact]
    public void A_mutator_that_rejects_changes_and_queues_nothing()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);

        var error = Assert.Throws<MutationRejectedException>(() => db.Mutate.Rename("abc", " "));

        Assert.Equal(ErrorCodes.InvalidMutation, error.Code);
        Assert.Equal("A todo needs a title.", error.Message);
        Assert.Equal("Buy milk", db.Todos.Get("abc").Get()!.Title);
        Assert.Single(db.Replica.Pending());
    }

    [Fact]
    public void A_mutator_on_a_missing_entity_is_a_conflict()
    {
        var db = new TodoDb();

        var error = Assert.Throws<MutationRejectedException>(() => db.Mutate.Toggle("nope"));

        Assert.Equal(ErrorCodes.Conflict, error.Code);
    }

    [Fact]
    public void Count_reruns_only_on_membership_changes_and_Find_only_when_its_result_changes()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);
        var counts = new List<int>();
        var done = new List<int>();
        using var countEffect = new Effect(() => counts.Add(db.Todos.Count()));
        using var doneEffect = new Effect(() => done.Add(db.Todos.Find(t => t.Done).Count));

        db.Mutate.Rename("abc", "Oat milk");       // a value change outside Find's result: neither re-runs
        db.Mutate.Toggle("abc");                    // enters Find's result
        db.Mutate.Rename("abc", "Soy milk");        // a value change inside it: Find re-runs (same count)
        db.Todos.Create(Milk with { Id = "def" });  // membership change, outside Find's result
        db.Mutate.ClearDone();                      // deletes "abc"

        Assert.Equal([1, 2, 1], counts);
        Assert.Equal([0, 1, 1, 0], done);
    }

    [Fact]
    public void An_entity_effect_ignores_other_entities()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);
        db.Todos.Create(Milk with { Id = "def" });
        var runs = 0;
        using var effect = new Effect(() => { db.Todos.Get("abc").Get(); runs++; });

        db.Mutate.Toggle("def");
        db.Categories.Create(new Category("c1", "Home"));

        Assert.Equal(1, runs);
    }

    [Fact]
    public void Decoded_values_are_cached_until_the_entity_changes()
    {
        var db = new TodoDb();
        var entity = db.Todos.Create(Milk);

        var first = entity.Get();
        var second = entity.Get();
        Assert.Same(first, second);
        Assert.Same(first, db.Todos.All()[0]);

        db.Mutate.Toggle("abc");
        Assert.NotSame(first, entity.Get());
    }

    [Fact]
    public void Server_confirmation_removes_the_mutation_and_keeps_the_value()
    {
        var db = new TodoDb();
        db.Todos.Create(Milk);
        var created = db.Replica.Pending()[0];
        var values = new List<string?>();
        using var effect = new Effect(() => values.Add(db.Todos.Get("abc").Get()?.Title));

        db.Replica.ApplyServerChanges([new("todo", "abc", JsonSerializer.SerializeToUtf8Bytes(Milk, AppJson.Default.Todo))], 1, [created.Id]);

        Assert.Equal(0, db.PendingCount.Get());
        Assert.Equal(["Buy milk"], values); // equal bytes: no notification, no flicker
    }

    [Fact]
    public void Pending_mutations_are_replayed_on_top_of_new_server_state()
    {
        var db = new TodoDb();
        db.Replica.ResetConfirmed(Snapshot(Milk), 1, []);
        db.Mutate.Toggle("abc"); // pending: done = true
        var seen = new List<Todo?>();
        using var effect = new Effect(() => seen.Add(db.Todos.Get("abc").Get()));

        // Another client renamed it; our toggle is still pending.
        var renamed = Milk with { Title = "Buy oat milk" };
        db.Replica.ApplyServerChanges([new("todo", "abc", JsonSerializer.SerializeToUtf8Bytes(renamed, AppJson.Default.Todo))], 2, []);

        AssertSame(renamed with { Done = true }, db.Todos.Get("abc").Get());
        Assert.Equal(2, seen.Count);
        Assert.All(seen, todo => Assert.True(todo!.Done)); // the optimistic value never flickered back
    }

    [Fact]
    public void A_rejected_mutation_is_rolled_back()
    {
        var db = new TodoDb();
        db.Replica.ResetConfirmed(Snapshot(Milk), 1, []);
        var toggle = db.Mutate.Toggle("abc");
        db.Mutate.Rename("abc", "Oat milk");

        Assert.True(db.Replica.Reject(toggle.Id));

        AssertSame(Milk with { Title = "Oat milk" }, db.Todos.Get("abc").Get());
        Assert.Equal(1, db.PendingCount.Get());
    }

    [Fact]
    public void Rejecting_a_pending_create_removes_the_entity_again()
    {
        var db = new TodoDb();
        var create = db.Todos.Create(Milk);
        var id = db.Replica.Pending()[0].Id;
        var seen = new List<bool>();
        using var effect = new Effect(() => seen.Add(create.Exists()));

        db.Replica.Reject(id);

        Assert.Equal([true, false], seen);
        Assert.Equal(0, db.Todos.Count());
    }

    [Fact]
    public void A_server_snapshot_deleting_an_entity_with_pending_changes_removes_it()
    {
        var db = new TodoDb();
        db.Replica.ResetConfirmed(Snapshot(Milk), 1, []);
        db.Mutate.Toggle("abc");

        db.Replica.ResetConfirmed(Store.StoreSnapshot.Empty, 2, []);

        Assert.Null(db.Todos.Get("abc").Get()); // the pending toggle cannot apply any more
        Assert.Equal(1, db.PendingCount.Get()); // the server will judge it
    }

    [Fact]
    public void The_dispatch_table_runs_the_same_mutators_against_any_transaction()
    {
        var serverState = new Store.LocalStore();
        serverState.Set("todo", "abc", JsonSerializer.SerializeToUtf8Bytes(Milk, AppJson.Default.Todo));
        var transaction = new BufferedTransaction(serverState);
        using var args = JsonDocument.Parse("""{"id":"abc","title":"Oat milk"}""");

        TodoDb.Mutators.Apply(transaction, "todo.rename", args.RootElement);

        var write = Assert.Single(transaction.Writes);
        Assert.Equal(("todo", "abc"), (write.Entity, write.Id));
        Assert.Equal("Oat milk", JsonSerializer.Deserialize(write.Json!.Value.Span, AppJson.Default.Todo)!.Title);
        Assert.Contains("todo.create", TodoDb.Mutators.Names);
        Assert.Contains("category.delete", TodoDb.Mutators.Names);
    }

    [Fact]
    public void Bad_arguments_from_the_wire_are_rejected_with_the_argument_named()
    {
        var transaction = new BufferedTransaction(new Store.LocalStore());
        using var missing = JsonDocument.Parse("""{"title":"x"}""");
        using var wrongType = JsonDocument.Parse("""{"id":5,"title":"x"}""");
        using var badData = JsonDocument.Parse("""{"id":"abc","data":{"id":"other","title":"x","done":false,"created":"2026-11-24T12:00:00Z","tags":[]}}""");

        var a = Assert.Throws<MutationRejectedException>(() => TodoDb.Mutators.Apply(transaction, "todo.rename", missing.RootElement));
        var b = Assert.Throws<MutationRejectedException>(() => TodoDb.Mutators.Apply(transaction, "todo.rename", wrongType.RootElement));
        var c = Assert.Throws<MutationRejectedException>(() => TodoDb.Mutators.Apply(transaction, "todo.create", badData.RootElement));
        var d = Assert.Throws<MutationRejectedException>(() => TodoDb.Mutators.Apply(transaction, "todo.explode", missing.RootElement));

        Assert.Contains("argument 'id' is missing", a.Message, StringComparison.Ordinal);
        Assert.Contains("argument 'id' must be a string, not a number", b.Message, StringComparison.Ordinal);
        Assert.Contains("has id 'other' but is stored under id 'abc'", c.Message, StringComparison.Ordinal);
        Assert.Contains("Unknown mutator 'todo.explode'", d.Message, StringComparison.Ordinal);
        Assert.All(new[] { a, b, c, d }, e => Assert.Equal(ErrorCodes.InvalidMutation, e.Code));
        Assert.False(transaction.HasWrites);
    }

    [Fact]
    public async Task Reopening_a_journal_reapplies_pending_mutations_and_continues_the_sequence()
    {
        var journal = new ViewSync.Persistence.MemoryPersistence();
        var first = new TodoDb(new Replica(TodoDb.Mutators));
        await first.Replica.OpenAsync(journal);
        first.Replica.ResetConfirmed(Snapshot(Milk), 1, []);
        first.Mutate.Toggle("abc");
        first.Mutate.Rename("abc", "Oat milk");
        await first.Replica.DisposeAsync();

        var second = new TodoDb(new Replica(TodoDb.Mutators));
        var opened = await second.Replica.OpenAsync(journal);
        second.Mutate.Toggle("abc");

        Assert.Equal(1UL, opened.Cursor);
        AssertSame(Milk with { Title = "Oat milk" }, second.Todos.Get("abc").Get());
        Assert.Equal(first.Replica.ClientId, second.Replica.ClientId);
        // The sequence goes on, above the numbers the first opening reserved: never one used twice.
        var seqs = second.Replica.Pending().Select(m => m.Seq).ToList();
        Assert.Equal([1UL, 2UL], seqs.Take(2));
        Assert.True(seqs[2] > 2, $"seq {seqs[2]}");
        Assert.Equal(3, second.Replica.Pending().Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public void A_replica_for_another_database_is_refused()
    {
        var other = new Replica(MutatorTable.Empty);

        var error = Assert.Throws<ArgumentException>(() => new TodoDb(other));

        Assert.Contains("new Replica(TodoDb.Mutators", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Records compare lists by reference, so compare what was stored: the JSON.</summary>
    private static void AssertSame(Todo expected, Todo? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(JsonSerializer.Serialize(expected, AppJson.Default.Todo), JsonSerializer.Serialize(actual, AppJson.Default.Todo));
    }

    private static Store.StoreSnapshot Snapshot(params Todo[] todos)
    {
        var builder = new Store.StoreSnapshot.Builder();
        foreach (var todo in todos)
        {
            builder.Add("todo", todo.Id, JsonSerializer.SerializeToUtf8Bytes(todo, AppJson.Default.Todo));
        }

        return builder.Build();
    }
}
