
namespace ViewSync.Runtime.Tests.ReactiveCore;

public class BatchTests
{
    [Fact]
    public void Effects_run_once_after_the_outermost_batch()
    {
        var first = new Signal<string>("Ada");
        var last = new Signal<string>("Lovelace");
        var seen = new List<string>();
        using var effect = new Effect(() => seen.Add($"{first.Get()} {last.Get()}"));

        Reactive.Batch(() =>
        {
            first.Set("Grace");
            Reactive.Batch(() => last.Set("Hopper"));
            Assert.Single(seen); // the inner batch ending did not flush
        });

        Assert.Equal(["Ada Lovelace", "Grace Hopper"], seen);
    }

    [Fact]
    public void A_batch_with_state_passes_it_and_runs_effects_once()
    {
        var a = new Signal<int>(0);
        var b = new Signal<int>(0);
        var runs = 0;
        using var effect = new Effect(() => { a.Get(); b.Get(); runs++; });

        Reactive.Batch((a, b), static pair =>
        {
            pair.a.Set(1);
            pair.b.Set(2);
        });

        Assert.Equal(2, runs);
        Assert.Equal((1, 2), (a.Peek(), b.Peek()));
    }

    [Fact]
    public void Reads_inside_a_batch_see_new_values()
    {
        var source = new Signal<int>(1);
        var doubled = new Computed<int>(() => source.Get() * 2);
        using var effect = new Effect(() => doubled.Get());

        var inside = Reactive.Batch(() =>
        {
            source.Set(5);
            return doubled.Get();
        });

        Assert.Equal(10, inside);
    }

    [Fact]
    public void A_batch_that_throws_still_runs_the_effects_of_its_writes()
    {
        var source = new Signal<int>(0);
        var seen = new List<int>();
        using var effect = new Effect(() => seen.Add(source.Get()));

        Assert.Throws<InvalidOperationException>(() => Reactive.Batch(() =>
        {
            source.Set(1);
            throw new InvalidOperationException("boom");
        }));

        Assert.Equal([0, 1], seen);
    }

    [Fact]
    public void Untracked_reads_do_not_subscribe()
    {
        var tracked = new Signal<int>(0);
        var untracked = new Signal<int>(0);
        var runs = 0;
        using var effect = new Effect(() =>
        {
            tracked.Get();
            Reactive.Untracked(() => untracked.Get());
            Reactive.Untracked(() => { untracked.Get(); });
            runs++;
        });

        untracked.Set(1);
        Assert.Equal(1, runs);

        tracked.Set(1);
        Assert.Equal(2, runs);
    }
}
