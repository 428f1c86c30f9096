using ViewSync.Store;

namespace ViewSync.Runtime.Tests.ReactiveCore;

/// <summary>Issue 12: an effect created inside another must not run before its owner re-runs (and disposes it).</summary>
public class OwnershipOrderTests
{
    [Fact]
    public void Applying_a_create_and_a_delete_runs_the_list_effect_before_the_deleted_rows_effect()
    {
        var store = new LocalStore();
        store.Set("row", "a", "{}"u8);
        var missing = new List<string>();
        using var list = new Effect(() =>
        {
            foreach (var id in store.Ids("row"))
            {
                _ = new Effect(() =>
                {
                    if (!store.TryGet("row", id, out StoreEntry _))
                    {
                        missing.Add(id); // a row view would throw here
                    }
                });
            }
        });

        store.Apply([new EntityWrite("row", "b", "{}"u8.ToArray()), new EntityWrite("row", "a", null)]);

        Assert.Empty(missing);
    }

    [Fact]
    public void A_grandchild_whose_grandparent_is_queued_waits_for_it_even_when_its_parent_is_not_queued()
    {
        var show = new Signal<bool>(true);
        var value = new Signal<int>(0);
        var seenWhileHidden = 0;
        var grandchildRuns = 0;
        using var root = new Effect(() =>
        {
            if (show.Get())
            {
                _ = new Effect(() => _ = new Effect(() =>
                {
                    grandchildRuns++;
                    value.Get();
                    if (!show.Peek())
                    {
                        seenWhileHidden++;
                    }
                }));
            }
        });

        Reactive.Batch(() =>
        {
            show.Set(false);
            value.Set(1);
        });

        Assert.Equal(0, seenWhileHidden);
        Assert.Equal(1, grandchildRuns);
    }

    [Fact]
    public void A_child_still_runs_when_its_queued_owner_turns_out_not_to_need_a_run()
    {
        var a = new Signal<int>(1);
        var parity = new Computed<bool>(() => a.Get() % 2 == 0);
        var value = new Signal<int>(0);
        var seen = new List<int>();
        using var root = new Effect(() =>
        {
            parity.Get();
            _ = new Effect(() => seen.Add(value.Get()));
        });

        Reactive.Batch(() =>
        {
            a.Set(3); // the owner is notified, but its computed does not change
            value.Set(5);
        });

        Assert.Equal([0, 5], seen);
    }
}
