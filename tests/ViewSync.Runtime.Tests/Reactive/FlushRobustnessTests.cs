using ViewSync.Runtime.Tests.Support;

namespace ViewSync.Runtime.Tests.ReactiveCore;

/// <summary>Issue 12: whatever escapes one effect, the other effects of the flush still run, now and later.</summary>
[Collection(nameof(EffectErrorTests))]
public class FlushRobustnessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_EffectFailed_handler_that_throws_does_not_stop_the_other_effects()
    {
        using var ui = new SingleThreadSynchronizationContext();
        var handlerCalls = 0;
        void OnFailed(object? sender, EffectFailedEventArgs e)
        {
            if (++handlerCalls == 1)
            {
                throw new InvalidOperationException("handler bug");
            }
        }

        Reactive.EffectFailed += OnFailed;
        try
        {
            await ui.InvokeAsync(() =>
            {
                var source = new Signal<int>(0);
                var first = new List<int>();
                var last = new List<int>();
                using var a = new Effect(() => first.Add(source.Get()), ui);
                using var failing = new Effect(() => { if (source.Get() > 0) throw new InvalidDataException("broken view"); }, ui);
                using var b = new Effect(() => last.Add(source.Get()), ui);

                source.Set(1);
                source.Set(2);

                Assert.Equal([0, 1, 2], first);
                Assert.Equal([0, 1, 2], last);
                Assert.Equal(2, handlerCalls);
            }).WaitAsync(Timeout);
            await ui.InvokeAsync(() => { }).WaitAsync(Timeout);

            // The handler's own exception surfaces once, as an unhandled exception on the effect's context.
            var unhandled = Assert.Single(ui.Unhandled);
            Assert.Equal("handler bug", unhandled.Message);
        }
        finally
        {
            Reactive.EffectFailed -= OnFailed;
        }
    }

    [Fact]
    public void An_effect_whose_context_refuses_a_post_is_reported_and_posted_again_once_the_context_accepts()
    {
        var reported = new List<Exception>();
        void OnFailed(object? sender, EffectFailedEventArgs e) => reported.Add(e.Exception);
        Reactive.EffectFailed += OnFailed;
        try
        {
            var context = new ManualSynchronizationContext();
            var source = new Signal<int>(0);
            var first = new List<int>();
            var posted = new List<int>();
            var last = new List<int>();
            using var a = new Effect(() => first.Add(source.Get()));
            using var onContext = new Effect(() => posted.Add(source.Get()), context);
            using var b = new Effect(() => last.Add(source.Get()));
            context.RunPosted();
            context.Closed = true;

            source.Set(1);

            Assert.Equal([0, 1], first);
            Assert.Equal([0, 1], last);
            Assert.IsType<InvalidOperationException>(Assert.Single(reported));

            context.Closed = false;
            source.Set(2);
            context.RunPosted();

            Assert.Equal([0, 2], posted);
            Assert.Equal([0, 1, 2], first);
            Assert.Equal([0, 1, 2], last);
        }
        finally
        {
            Reactive.EffectFailed -= OnFailed;
        }
    }

    [Fact]
    public async Task A_cleanup_that_writes_what_its_posted_effect_reads_does_not_strand_the_other_effects()
    {
        using var ui = new SingleThreadSynchronizationContext();
        var source = new Signal<int>(0);
        var other = new Signal<int>(0);
        var first = new List<int>();
        var last = new List<int>();
        Effect? writer = null, a = null, b = null;
        await ui.InvokeAsync(() =>
        {
            writer = new Effect(() =>
            {
                source.Get();
                other.Get();
                Reactive.OnCleanup(() => other.Set(other.Peek() + 1));
            }, ui);
            a = new Effect(() => first.Add(other.Get()), ui);
            b = new Effect(() => last.Add(other.Get()), ui);
        }).WaitAsync(Timeout);

        await Task.Run(() => source.Set(1)); // posted: the run (and its cleanup) happens on the context
        await ui.InvokeAsync(() => { }).WaitAsync(Timeout);

        Assert.Equal([0, 1], first); // the cleanup's write reached both
        Assert.Equal([0, 1], last);

        // And they are not stranded: later writes still reach them (the writer's cleanup then writes 11).
        await ui.InvokeAsync(() => other.Set(10)).WaitAsync(Timeout);
        Assert.Equal(11, other.Peek());
        Assert.Equal(11, first[^1]);
        Assert.Equal(11, last[^1]);
        Assert.Empty(ui.Unhandled);
        await ui.InvokeAsync(() =>
        {
            writer!.Dispose();
            a!.Dispose();
            b!.Dispose();
        }).WaitAsync(Timeout);
    }
}
