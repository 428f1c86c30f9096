using System.Collections.Specialized;
using ViewSync.Binding;

namespace ViewSync.Generators.IntegrationTests;

/// <summary>UI binding adapters over a real TodoDb, checked against the exact event sequence a list control receives.</summary>
public class BindingTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static Todo Todo(string id, string title, bool done = false) => new(id, title, done, Noon, []);

    private static List<string> Record(CollectionView<Todo> view)
    {
        var log = new List<string>();
        view.CollectionChanged += (_, e) => log.Add(e.Action switch
        {
            NotifyCollectionChangedAction.Add => $"add {((Todo)e.NewItems![0]!).Id}@{e.NewStartingIndex}",
            NotifyCollectionChangedAction.Remove => $"remove {((Todo)e.OldItems![0]!).Id}@{e.OldStartingIndex}",
            NotifyCollectionChangedAction.Replace => $"replace {((Todo)e.NewItems![0]!).Id}@{e.NewStartingIndex}",
            NotifyCollectionChangedAction.Move => $"move {((Todo)e.NewItems![0]!).Id} {e.OldStartingIndex}->{e.NewStartingIndex}",
            _ => "reset",
        });
        return log;
    }

    [Fact]
    public void A_collection_view_raises_incremental_events_never_a_reset()
    {
        var db = new TodoDb();
        db.Todos.Create(Todo("b", "Bread"));
        using var view = new CollectionView<Todo>(db.Todos);
        var log = Record(view);

        db.Todos.Create(Todo("a", "Apples"));
        db.Todos.Create(Todo("c", "Cheese"));
        db.Mutate.Rename("b", "Brown bread");
        db.Todos.Get("a").Delete();

        Assert.Equal(["add a@0", "add c@2", "replace b@1", "remove a@0"], log);
        Assert.Equal(["b", "c"], view.Select(t => t.Id));
        Assert.Equal("Brown bread", view[0].Title);
    }

    [Fact]
    public void A_filtered_sorted_view_moves_items_when_their_order_changes_and_drops_filtered_ones()
    {
        var db = new TodoDb();
        db.Todos.Create(Todo("1", "b"));
        db.Todos.Create(Todo("2", "c"));
        db.Todos.Create(Todo("3", "a"));
        using var view = new CollectionView<Todo>(db.Todos, filter: t => !t.Done, order: Comparer<Todo>.Create((x, y) => string.CompareOrdinal(x.Title, y.Title)));
        Assert.Equal(["3", "1", "2"], view.Select(t => t.Id));
        var log = Record(view);

        db.Mutate.Rename("2", "0");   // c → 0: moves to the top
        db.Mutate.Toggle("1");        // done: leaves the filter
        db.Mutate.Toggle("1");        // open again: comes back in order

        Assert.Equal(["move 2 2->0", "replace 2@0", "remove 1@2", "add 1@2"], log);
        Assert.Equal(["2", "3", "1"], view.Select(t => t.Id));
    }

    [Fact]
    public void An_entity_view_raises_property_changes_for_value_and_existence()
    {
        var db = new TodoDb();
        using var view = new EntityView<Todo>(db.Todos.Get("t"));
        var log = new List<string>();
        view.PropertyChanged += (_, e) => log.Add($"{e.PropertyName}:{view.Value?.Title ?? "null"}");

        db.Todos.Create(Todo("t", "one"));
        db.Mutate.Rename("t", "two");
        db.Todos.Get("t").Delete();

        Assert.Equal(["Value:one", "Exists:one", "Value:two", "Value:null", "Exists:null"], log);
        Assert.False(view.Exists);
    }

    [Fact]
    public async Task Events_are_raised_on_the_given_context()
    {
        var db = new TodoDb();
        using var ui = new UiThread();
        CollectionView<Todo>? view = null;
        await ui.RunAsync(() => view = new CollectionView<Todo>(db.Todos, context: ui));
        var threads = new List<int>();
        var added = new TaskCompletionSource();
        view!.CollectionChanged += (_, _) => { threads.Add(Environment.CurrentManagedThreadId); added.TrySetResult(); };

        await Task.Run(() => db.Todos.Create(Todo("x", "from a worker thread")));
        await added.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([ui.ThreadId], threads);
        await ui.RunAsync(() => view.Dispose());
    }

    /// <summary>A one-thread synchronization context standing in for a UI thread.</summary>
    private sealed class UiThread : SynchronizationContext, IDisposable
    {
        private readonly System.Collections.Concurrent.BlockingCollection<(SendOrPostCallback, object?)> _queue = [];
        private readonly Thread _thread;

        public UiThread()
        {
            _thread = new Thread(() =>
            {
                SetSynchronizationContext(this);
                foreach (var (callback, state) in _queue.GetConsumingEnumerable())
                {
                    callback(state);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public int ThreadId => _thread.ManagedThreadId;

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public Task RunAsync(Action action)
        {
            var done = new TaskCompletionSource();
            Post(_ => { action(); done.SetResult(); }, null);
            return done.Task;
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
            _thread.Join();
            _queue.Dispose();
        }
    }
}
