using ViewSync.Runtime.Tests.Support;
using ViewSync.Tests.Journal;

namespace ViewSync.Runtime.Tests.ReactiveCore;

/// <summary>The error hook is process-wide, so these tests run alone.</summary>
[CollectionDefinition(nameof(EffectErrorTests), DisableParallelization = true)]
public sealed class EffectErrorTestGroup;

[Collection(nameof(EffectErrorTests))]
public class EffectErrorTests
{
    [Fact]
    public void A_throwing_effect_does_not_stop_the_others_and_is_reported_to_the_hook()
    {
        var source = new Signal<int>(0);
        var reported = new List<(Effect Effect, Exception Error)>();
        void OnFailed(object? sender, EffectFailedEventArgs e) => reported.Add((e.Effect, e.Exception));
        Reactive.EffectFailed += OnFailed;
        try
        {
            var before = 0;
            var after = 0;
            using var first = new Effect(() => { source.Get(); before++; });
            using var failing = new Effect(() => { if (source.Get() > 0) throw new InvalidDataException("broken view"); }, name: "failing");
            using var last = new Effect(() => { source.Get(); after++; });

            source.Set(1);

            Assert.Equal(2, before);
            Assert.Equal(2, after);
            var (effect, error) = Assert.Single(reported);
            Assert.Same(failing, effect);
            Assert.Equal("broken view", error.Message);

            // It stays active and recovers when its input changes.
            source.Set(0);
            Assert.Single(reported);
        }
        finally
        {
            Reactive.EffectFailed -= OnFailed;
        }
    }

    [Fact]
    public async Task Without_a_handler_the_error_is_not_thrown_from_the_unrelated_write_but_raised_on_the_effects_context()
    {
        using var ui = new SingleThreadSynchronizationContext();
        await ui.InvokeAsync(() =>
        {
            var source = new Signal<int>(0);
            var after = 0;
            using var failing = new Effect(() => { if (source.Get() > 0) throw new InvalidDataException("broken view"); }, ui);
            using var last = new Effect(() => { source.Get(); after++; }, ui);

            source.Set(1); // the write is committed: it must not report the view's bug as its own failure

            Assert.Equal(2, after);
            Assert.Equal(1, source.Peek());
        }).WaitAsync(TimeSpan.FromSeconds(10));
        await ui.InvokeAsync(() => { }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("broken view", Assert.Single(ui.Unhandled).Message);
    }

    [Fact]
    public async Task A_view_that_fails_on_a_mutations_change_does_not_make_Mutate_throw_after_the_mutation_was_queued()
    {
        using var ui = new SingleThreadSynchronizationContext();
        await ui.InvokeAsync(() =>
        {
            var replica = new Replica(CounterMutators.Table);
            using var view = new Effect(() =>
            {
                if (replica.Store.Contains("counter", "c1"))
                {
                    throw new InvalidDataException("the view cannot show c1");
                }
            }, ui);

            var id = replica.Mutate("counter.add", CounterMutators.Args("""{"id":"c1","n":2}"""));

            Assert.Equal(id, Assert.Single(replica.Pending()).Id); // queued, and the caller knows it
        }).WaitAsync(TimeSpan.FromSeconds(10));
        await ui.InvokeAsync(() => { }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("the view cannot show c1", Assert.Single(ui.Unhandled).Message);
    }

    [Fact]
    public void An_effects_own_error_handler_receives_its_errors_and_the_app_wide_event_does_not()
    {
        var source = new Signal<int>(0);
        var global = new List<Exception>();
        var own = new List<Exception>();
        void OnFailed(object? sender, EffectFailedEventArgs e) => global.Add(e.Exception);
        Reactive.EffectFailed += OnFailed;
        try
        {
            using var failing = new Effect(() =>
            {
                if (source.Get() > 0)
                {
                    throw new InvalidDataException($"broken at {source.Peek()}");
                }
            }, onError: own.Add);
            using var other = new Effect(() => { if (source.Get() > 1) throw new InvalidDataException("other"); });

            source.Set(1);
            source.Set(2);

            Assert.Equal(["broken at 1", "broken at 2"], own.Select(e => e.Message));
            Assert.Equal("other", Assert.Single(global).Message);
        }
        finally
        {
            Reactive.EffectFailed -= OnFailed;
        }
    }

    [Fact]
    public void With_its_own_handler_a_failing_first_run_is_reported_and_the_effect_stays_active()
    {
        var source = new Signal<int>(0);
        var errors = new List<Exception>();
        var runs = 0;

        using var effect = new Effect(() =>
        {
            runs++;
            if (source.Get() == 0)
            {
                throw new InvalidDataException("not yet");
            }
        }, onError: errors.Add);
        source.Set(1);

        Assert.Equal("not yet", Assert.Single(errors).Message);
        Assert.Equal(2, runs);
    }

    [Fact]
    public void Without_a_hook_a_failing_first_run_throws_from_the_constructor_and_leaves_no_subscription()
    {
        var source = new Signal<int>(0);

        Assert.Throws<InvalidDataException>(() => new Effect(() =>
        {
            source.Get();
            throw new InvalidDataException("first run");
        }));

        Assert.Equal(0, source.SubscriberCount);
    }

    [Fact]
    public void A_throwing_cleanup_is_reported_and_the_other_cleanups_still_run()
    {
        var reported = new List<Exception>();
        void OnFailed(object? sender, EffectFailedEventArgs e) => reported.Add(e.Exception);
        Reactive.EffectFailed += OnFailed;
        try
        {
            var ran = false;
            var effect = new Effect(() =>
            {
                Reactive.OnCleanup(() => throw new InvalidOperationException("cleanup failed"));
                Reactive.OnCleanup(() => ran = true);
            });

            effect.Dispose();

            Assert.True(ran);
            Assert.Equal("cleanup failed", Assert.Single(reported).Message);
        }
        finally
        {
            Reactive.EffectFailed -= OnFailed;
        }
    }
}
