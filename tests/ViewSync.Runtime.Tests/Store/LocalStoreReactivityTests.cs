using System.Text;
using ViewSync.Store;

namespace ViewSync.Runtime.Tests.Store;

public class LocalStoreReactivityTests
{
    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void An_effect_reading_one_entity_reruns_only_for_that_entity()
    {
        var store = new LocalStore();
        store.Set("todo", "a", Json("1"));
        store.Set("todo", "b", Json("1"));
        var runs = 0;
        using var effect = new Effect(() => { store.Get("todo", "a"); runs++; });

        store.Set("todo", "b", Json("2"));
        store.Set("list", "a", Json("2"));
        Assert.Equal(1, runs);

        store.Set("todo", "a", Json("2"));
        Assert.Equal(2, runs);

        store.Delete("todo", "a");
        Assert.Equal(3, runs);
    }

    [Fact]
    public void Writing_equal_bytes_notifies_nobody()
    {
        var store = new LocalStore();
        store.Set("todo", "a", Json("""{"x":1}"""));
        var entityRuns = 0;
        var membershipRuns = 0;
        var contentRuns = 0;
        using var entity = new Effect(() => { store.Get("todo", "a"); entityRuns++; });
        using var membership = new Effect(() => { store.Count("todo"); membershipRuns++; });
        using var content = new Effect(() => { store.Entries("todo"); contentRuns++; });

        Assert.False(store.Set("todo", "a", Json("""{"x":1}""")));

        Assert.Equal((1, 1, 1), (entityRuns, membershipRuns, contentRuns));
    }

    [Fact]
    public void An_effect_observing_a_missing_entity_sees_it_created()
    {
        var store = new LocalStore();
        var seen = new List<bool>();
        using var effect = new Effect(() => seen.Add(store.Contains("todo", "later")));

        store.Set("todo", "other", Json("1"));
        store.Set("todo", "later", Json("1"));

        Assert.Equal([false, true], seen);
    }

    [Fact]
    public void Membership_reruns_on_add_and_remove_but_not_on_value_changes()
    {
        var store = new LocalStore();
        store.Set("todo", "a", Json("1"));
        var counts = new List<int>();
        var idLists = new List<string>();
        using var count = new Effect(() => counts.Add(store.Count("todo")));
        using var ids = new Effect(() => idLists.Add(string.Join(",", store.Ids("todo"))));

        store.Set("todo", "a", Json("2")); // value change only
        store.Set("todo", "b", Json("1"));
        store.Delete("todo", "a");
        store.Set("list", "x", Json("1")); // another type

        Assert.Equal([1, 2, 1], counts);
        Assert.Equal(["a", "a,b", "b"], idLists);
    }

    [Fact]
    public void Contents_rerun_on_any_value_change_of_the_type()
    {
        var store = new LocalStore();
        store.Set("todo", "a", Json("1"));
        var runs = 0;
        using var effect = new Effect(() => { store.Entries("todo"); runs++; });

        store.Set("todo", "a", Json("2"));
        store.Set("todo", "b", Json("1"));
        store.Delete("todo", "b");
        store.Set("list", "x", Json("1"));

        Assert.Equal(4, runs);
    }

    [Fact]
    public void A_batch_of_many_changes_reruns_each_affected_effect_once()
    {
        var store = new LocalStore();
        var entityRuns = 0;
        var countRuns = 0;
        using var entity = new Effect(() => { store.Get("todo", "7"); entityRuns++; });
        using var count = new Effect(() => { store.Count("todo"); countRuns++; });

        var changed = store.Apply(Enumerable.Range(0, 50).Select(i => new EntityWrite("todo", i.ToString(), Json($"{i}"))));

        Assert.Equal(50, changed);
        Assert.Equal(2, entityRuns);
        Assert.Equal(2, countRuns);
    }

    [Fact]
    public void Loading_100000_entities_notifies_only_the_observed_ones_once()
    {
        var store = new LocalStore();
        store.Set("todo", "5", Json("\"old\""));
        var runs = new int[4];
        string[] observed = ["5", "500", "99999", "absent"];
        var effects = observed.Select((id, i) => new Effect(() => { store.Get("todo", id); runs[i]++; })).ToArray();
        var countRuns = 0;
        using var count = new Effect(() => { store.Count("todo"); countRuns++; });

        var builder = new StoreSnapshot.Builder();
        for (var i = 0; i < 100_000; i++)
        {
            builder.Add("todo", i.ToString(), Json(i == 5 ? "\"old\"" : $"{i}"));
        }

        store.Load(builder.Build());

        Assert.Equal(100_000, store.Count("todo"));
        Assert.Equal([1, 2, 2, 1], runs); // "5" kept its value; "absent" is still absent
        Assert.Equal(2, countRuns);
        foreach (var effect in effects)
        {
            effect.Dispose();
        }
    }

    [Fact]
    public void Observing_many_missing_ids_does_not_keep_them_after_the_observers_are_gone()
    {
        var store = new LocalStore();
        for (var i = 0; i < 5_000; i++)
        {
            using var effect = new Effect(() => store.Get("todo", $"missing-{i}"));
        }

        store.Set("todo", "real", Json("1"));
        using (new Effect(() => store.Get("todo", "one-more"))) { }

        Assert.Equal(["real"], store.Ids("todo"));
        Assert.True(store.SlotCount("todo") < 2_000, $"{store.SlotCount("todo")} slots kept");
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_keep_the_store_consistent()
    {
        var store = new LocalStore();
        var sums = new List<int>();
        using var effect = new Effect(() =>
        {
            // Read through the store inside an effect while other threads write.
            var total = store.Entries("counter").Sum(e => int.Parse(Encoding.UTF8.GetString(e.Json.Span)));
            lock (sums)
            {
                sums.Add(total);
            }
        });

        var writers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 1; i <= 500; i++)
            {
                store.Set("counter", $"t{t}", Json($"{i}"));
                store.Get("counter", $"t{(t + 1) % 4}");
            }
        }));
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                Assert.True(store.Count("counter") <= 4);
                store.Snapshot();
            }
        }));
        await Task.WhenAll(writers.Concat(readers)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2_000, sums[^1]);
        Assert.Equal(4, store.Count("counter"));
        Assert.All(store.Entries("counter"), e => Assert.Equal("500", Encoding.UTF8.GetString(e.Json.Span)));
    }
}
