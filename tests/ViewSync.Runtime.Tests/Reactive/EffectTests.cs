
namespace ViewSync.Runtime.Tests.ReactiveCore;

public class EffectTests
{
    [Fact]
    public void An_effect_runs_on_creation_and_again_when_what_it_read_changes()
    {
        var name = new Signal<string>("Ada");
        var seen = new List<string>();
        using var effect = new Effect(() => seen.Add(name.Get()));

        Assert.Equal(["Ada"], seen);
        name.Set("Grace");
        Assert.Equal(["Ada", "Grace"], seen);
    }

    [Fact]
    public void A_disposed_effect_stops_and_holds_no_subscription()
    {
        var source = new Signal<int>(0);
        var plusOne = new Computed<int>(() => source.Get() + 1);
        var runs = 0;
        var effect = new Effect(() => { plusOne.Get(); runs++; });
        Assert.Equal(1, plusOne.SubscriberCount);
        Assert.Equal(1, source.SubscriberCount);

        effect.Dispose();
        source.Set(1);

        Assert.Equal(1, runs);
        Assert.True(effect.IsDisposed);
        Assert.Equal(0, plusOne.SubscriberCount);
        Assert.Equal(0, source.SubscriberCount);
    }

    [Fact]
    public void Cleanups_run_before_each_rerun_and_on_dispose()
    {
        var source = new Signal<int>(0);
        var log = new List<string>();
        var effect = new Effect(() =>
        {
            var value = source.Get();
            log.Add($"run {value}");
            Reactive.OnCleanup(() => log.Add($"cleanup {value}"));
        });

        source.Set(1);
        effect.Dispose();
        effect.Dispose();

        Assert.Equal(["run 0", "cleanup 0", "run 1", "cleanup 1"], log);
    }

    [Fact]
    public void A_returned_cleanup_runs_like_a_registered_one()
    {
        var source = new Signal<int>(0);
        var log = new List<string>();
        var effect = new Effect(() =>
        {
            var value = source.Get();
            log.Add($"run {value}");
            return () => log.Add($"cleanup {value}");
        });

        source.Set(1);
        effect.Dispose();

        Assert.Equal(["run 0", "cleanup 0", "run 1", "cleanup 1"], log);
    }

    [Fact]
    public void OnCleanup_outside_an_effect_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Reactive.OnCleanup(() => { }));
        Assert.Contains("while an effect runs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Effects_created_inside_an_effect_are_disposed_when_it_reruns_or_is_disposed()
    {
        var outer = new Signal<int>(0);
        var inner = new Signal<int>(0);
        var innerRuns = new List<int>();
        var created = new List<Effect>();
        var parent = new Effect(() =>
        {
            var generation = outer.Get();
            created.Add(new Effect(() => { inner.Get(); innerRuns.Add(generation); }));
        });

        inner.Set(1);
        Assert.Equal([0, 0], innerRuns);

        outer.Set(1); // disposes child of generation 0, creates one for generation 1
        Assert.True(created[0].IsDisposed);
        inner.Set(2);
        Assert.Equal([0, 0, 1, 1], innerRuns);
        Assert.Equal(1, inner.SubscriberCount);

        parent.Dispose();
        Assert.True(created[1].IsDisposed);
        Assert.Equal(0, inner.SubscriberCount);
        inner.Set(3);
        Assert.Equal([0, 0, 1, 1], innerRuns);
    }

    [Fact]
    public void A_child_disposed_on_its_own_leaves_its_parent_intact()
    {
        var source = new Signal<int>(0);
        Effect? child = null;
        var parentRuns = 0;
        using var parent = new Effect(() =>
        {
            source.Get();
            parentRuns++;
            child = new Effect(() => { });
        });

        child!.Dispose();
        source.Set(1);

        Assert.Equal(2, parentRuns);
        Assert.False(child.IsDisposed && parent.IsDisposed);
    }

    [Fact]
    public void An_effect_that_disposes_itself_while_running_stops_after_the_run()
    {
        var source = new Signal<int>(0);
        var runs = 0;
        Effect? self = null;
        self = new Effect(() =>
        {
            runs++;
            if (source.Get() == 1)
            {
                self!.Dispose();
            }
        });

        source.Set(1);
        source.Set(2);

        Assert.Equal(2, runs);
        Assert.Equal(0, source.SubscriberCount);
    }

    [Fact]
    public void Writes_inside_an_effect_run_their_effects_after_it()
    {
        var input = new Signal<int>(0);
        var output = new Signal<int>(0);
        var log = new List<string>();
        using var copier = new Effect(() =>
        {
            output.Set(input.Get() * 10);
            log.Add("copier");
        });
        using var reader = new Effect(() => log.Add($"reader {output.Get()}"));
        log.Clear();

        input.Set(1);

        Assert.Equal(["copier", "reader 10"], log);
    }

    [Fact]
    public void An_effect_that_keeps_retriggering_itself_is_reported_as_a_cycle()
    {
        var counter = new Signal<int>(0, name: "counter");

        var errors = new List<Exception>();

        using var effect = new Effect(() => counter.Set(counter.Get() + 1), onError: errors.Add);

        var error = Assert.IsType<InvalidOperationException>(Assert.Single(errors));
        Assert.Contains("Cycle detected", error.Message, StringComparison.Ordinal);
        Assert.Contains("signal 'counter'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Effects_whose_dependencies_did_not_change_do_not_run()
    {
        var a = new Signal<int>(0);
        var b = new Signal<int>(0);
        var runsA = 0;
        var runsB = 0;
        using var effectA = new Effect(() => { a.Get(); runsA++; });
        using var effectB = new Effect(() => { b.Get(); runsB++; });

        a.Set(1);

        Assert.Equal(2, runsA);
        Assert.Equal(1, runsB);
    }
}
