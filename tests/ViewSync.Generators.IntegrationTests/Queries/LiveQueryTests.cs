using System.Collections.Specialized;
using ViewSync.Binding;

namespace ViewSync.Generators.IntegrationTests.Queries;

/// <summary>Live queries through the generated TodoDb: shape rules, precise change steps, what readers subscribe to, failures.</summary>
public class LiveQueryTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static Todo Todo(string id, string title, bool done = false) => new(id, title, done, Noon, []);

    private static TodoDb Db(int count)
    {
        var db = new TodoDb();
        Reactive.Batch(() =>
        {
            for (var i = 0; i < count; i++)
            {
                db.Todos.Create(Todo($"t{i:00}", $"title {i:00}", done: i % 2 == 0));
            }
        });
        return db;
    }

    [Fact]
    public void A_move_inside_a_window_is_one_move_step_at_the_right_indexes()
    {
        var db = Db(20);
        using var query = db.Todos.Query().Where(t => !t.Done).OrderBy(t => t.Title, StringComparer.Ordinal).Skip(1).Take(4);
        Assert.Equal(["t03", "t05", "t07", "t09"], query.Select(t => t.Id));
        var steps = new List<QueryChange<Todo>>();
        query.Changed += (_, e) => steps.AddRange(e.Changes);

        db.Mutate.Rename("t03", "title 08");   // from window index 0 to index 2

        var step = Assert.Single(steps);
        Assert.Equal((QueryChangeKind.Moved, "t03", 2, 0), (step.Kind, step.Id, step.Index, step.OldIndex));
        Assert.Equal("title 08", step.Item!.Title);
        Assert.Equal(["t05", "t07", "t03", "t09"], query.Select(t => t.Id));
    }

    [Fact]
    public void Rows_entering_before_a_window_shift_it_one_row_out_at_the_end_and_one_in_at_the_start()
    {
        var db = Db(20);
        using var query = db.Todos.Query().Where(t => !t.Done).OrderBy(t => t.Title, StringComparer.Ordinal).Skip(1).Take(3);
        Assert.Equal(["t03", "t05", "t07"], query.Select(t => t.Id));
        var steps = new List<string>();
        query.Changed += (_, e) => steps.AddRange(e.Changes.Select(c => $"{c.Kind} {c.Id}@{c.Index}"));

        db.Mutate.Toggle("t00");   // opens, and sorts first: everything shifts right by one

        Assert.Equal(["Removed t07@2", "Added t01@0"], steps);
        Assert.Equal(["t01", "t03", "t05"], query.Select(t => t.Id));
    }

    [Fact]
    public void A_reader_reruns_only_when_its_result_changes_and_a_count_reader_only_when_the_count_does()
    {
        var db = Db(20);
        using var query = db.Todos.Query().Where(t => !t.Done).OrderBy(t => t.Title, StringComparer.Ordinal).Take(3);
        var rows = 0;
        var counts = 0;
        using var rowsEffect = new Effect(() => { _ = query.FirstOrDefault(); rows++; });
        using var countEffect = new Effect(() => { _ = query.Count; counts++; });

        db.Mutate.Rename("t00", "renamed while done");   // outside the filter
        db.Mutate.Rename("t19", "title 99");             // open, but outside the window before and after
        Assert.Equal((1, 1), (rows, counts));

        db.Mutate.Rename("t01", "title 01 renamed");     // in the window: rows change, count does not
        Assert.Equal((2, 1), (rows, counts));
    }

    [Fact]
    public void An_index_lookup_only_sees_its_own_key_and_follows_rows_moving_between_keys()
    {
        var db = Db(10);
        using var bread = db.Todos.ByTitle("bread");
        var runs = 0;
        using var effect = new Effect(() => { _ = bread.Snapshot(); runs++; });
        Assert.Empty(bread);

        db.Mutate.Rename("t01", "cheese");
        Assert.Equal(1, runs);

        db.Mutate.Rename("t01", "bread");
        db.Mutate.Rename("t02", "bread");
        Assert.Equal(["t01", "t02"], bread.Select(t => t.Id));
        db.Mutate.Rename("t01", "apples");
        Assert.Equal(["t02"], bread.Select(t => t.Id));
        Assert.Equal(4, runs);
    }

    [Fact]
    public void Where_and_OrderBy_after_a_window_are_refused_with_the_right_order_named()
    {
        var db = Db(3);
        var error = Assert.Throws<InvalidOperationException>(() => db.Todos.Query().Take(2).Where(t => t.Done));
        Assert.Contains("filter and order first, then window", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => db.Todos.Query().Skip(1).OrderBy(t => t.Title));
        Assert.Equal(["t01"], db.Todos.Query().Skip(1).Take(5).Take(1).Select(t => t.Id));
        Assert.Equal(["t02"], db.Todos.Query().Take(3).Skip(2).Select(t => t.Id));
        Assert.Throws<InvalidOperationException>(() => db.Todos.Query().Single());
        Assert.Equal("t02", db.Todos.Query().Skip(2).Single().Id);
        Assert.Null(db.Todos.Query().Skip(5).FirstOrDefault());
    }

    [Fact]
    public void A_filter_that_throws_stops_its_query_but_the_write_and_every_other_query_go_through()
    {
        var db = Db(4);
        using var fragile = db.Todos.Query().Where(t => t.Title == "boom" ? throw new FormatException("bad title") : true);
        using var healthy = db.Todos.Query().Where(t => !t.Done);
        _ = fragile.Count;
        _ = healthy.Count;
        var seen = 0;
        using var effect = new Effect(() => seen = healthy.Count);

        // The write is not failed for a query's sake (it happened: the mutation is queued and visible), the healthy
        // query and its effect caught up, and later writes still run effects.
        db.Mutate.Rename("t01", "boom");
        Assert.Equal("boom", db.Todos.Get("t01").Get()!.Title);
        Assert.Equal(2, seen);
        db.Mutate.Toggle("t00");
        Assert.Equal(3, seen);
        var read = Assert.Throws<InvalidOperationException>(() => fragile.Count);
        Assert.IsType<FormatException>(read.InnerException);
        Assert.Contains("failed while applying a change: bad title", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_change_handler_that_throws_fails_the_write_after_everything_caught_up_and_leaves_no_batch_open()
    {
        var db = Db(4);
        using var first = db.Todos.Query();
        using var second = db.Todos.Query().Where(t => !t.Done);
        first.Changed += (_, _) => throw new FormatException("handler failed");
        var seen = 0;
        using var effect = new Effect(() => seen = second.Count);

        var error = Assert.Throws<FormatException>(() => db.Todos.Create(Todo("x", "new")));

        Assert.Equal("handler failed", error.Message);
        Assert.Equal(3, seen);                 // the other query caught up and its effect ran
        Assert.True(db.Todos.Get("x").Exists());
        Assert.Throws<FormatException>(() => db.Mutate.Toggle("t00"));
        Assert.Equal(4, seen);                 // the batch had ended: this write ran effects again
    }

    [Fact]
    public void A_collection_view_over_a_windowed_query_raises_one_move_and_keeps_its_list_equal_to_the_query()
    {
        var db = Db(20);
        using var query = db.Todos.Query().Where(t => !t.Done).OrderBy(t => t.Title, StringComparer.Ordinal).Take(5);
        using var view = new CollectionView<Todo>(query);
        var log = new List<string>();
        view.CollectionChanged += (_, e) => log.Add(e.Action switch
        {
            NotifyCollectionChangedAction.Move => $"move {((Todo)e.NewItems![0]!).Id} {e.OldStartingIndex}->{e.NewStartingIndex}",
            NotifyCollectionChangedAction.Replace => $"replace {((Todo)e.NewItems![0]!).Id}@{e.NewStartingIndex}",
            NotifyCollectionChangedAction.Add => $"add {((Todo)e.NewItems![0]!).Id}@{e.NewStartingIndex}",
            NotifyCollectionChangedAction.Remove => $"remove {((Todo)e.OldItems![0]!).Id}@{e.OldStartingIndex}",
            _ => "reset",
        });

        db.Mutate.Rename("t01", "title 06");   // index 0 -> 2
        db.Mutate.Toggle("t05");               // leaves: t11 enters at the end

        Assert.Equal(["move t01 0->2", "replace t01@2", "remove t05@1", "add t11@4"], log);
        Assert.Equal(query.Select(t => t.Id), view.Select(t => t.Id));
    }
}
