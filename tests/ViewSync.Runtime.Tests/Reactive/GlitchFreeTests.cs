
namespace ViewSync.Runtime.Tests.ReactiveCore;

public class GlitchFreeTests
{
    [Fact]
    public void A_diamond_computes_its_bottom_once_per_change_and_never_sees_a_mixed_state()
    {
        var a = new Signal<int>(1);
        var b = new Computed<int>(() => a.Get() * 2);
        var c = new Computed<int>(() => a.Get() * 3);
        var dRuns = 0;
        var d = new Computed<(int B, int C)>(() => { dRuns++; return (b.Get(), c.Get()); });
        var seen = new List<(int B, int C)>();
        using var effect = new Effect(() => seen.Add(d.Get()));

        for (var value = 2; value <= 10; value++)
        {
            a.Set(value);
        }

        Assert.Equal(10, dRuns);
        Assert.Equal(10, seen.Count);
        Assert.All(seen, pair => Assert.Equal(pair.B / 2, pair.C / 3));
        Assert.Equal((20, 30), seen[^1]);
    }

    [Fact]
    public void When_Set_returns_every_affected_effect_has_run_exactly_once()
    {
        var source = new Signal<int>(0);
        var derived = Enumerable.Range(0, 20).Select(i => new Computed<int>(() => source.Get() + i)).ToArray();
        var runs = new int[derived.Length];
        var effects = derived.Select((c, i) => new Effect(() => { c.Get(); runs[i]++; })).ToArray();

        source.Set(1);

        Assert.All(runs, r => Assert.Equal(2, r));
        foreach (var effect in effects)
        {
            effect.Dispose();
        }
    }

    [Fact]
    public void An_effect_reading_both_a_signal_and_a_computed_of_it_sees_them_agree()
    {
        var source = new Signal<int>(1);
        var square = new Computed<int>(() => source.Get() * source.Get());
        var mismatches = 0;
        var runs = 0;
        using var effect = new Effect(() =>
        {
            runs++;
            var s = source.Get();
            if (square.Get() != s * s)
            {
                mismatches++;
            }
        });

        for (var i = 2; i < 50; i++)
        {
            source.Set(i);
        }

        Assert.Equal(0, mismatches);
        Assert.Equal(49, runs);
    }
}
