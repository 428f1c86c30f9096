
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
    public void Without_a_hook_the_error_is_rethrown_from_Set_after_all_effects_ran()
    {
        var source = new Signal<int>(0);
        var after = 0;
        using var failing = new Effect(() => { if (source.Get() > 0) throw new InvalidDataException("broken view"); });
        using var last = new Effect(() => { source.Get(); after++; });

        var error = Assert.Throws<InvalidDataException>(() => source.Set(1));

        Assert.Equal("broken view", error.Message);
        Assert.Equal(2, after);
        Assert.Equal(1, source.Peek());
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
