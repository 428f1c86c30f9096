
namespace ViewSync.Runtime.Tests.ReactiveCore;

public class AllocationTests
{
    [Fact]
    public void Ten_thousand_sets_through_a_computed_and_an_effect_allocate_nothing()
    {
        var source = new Signal<int>(0);
        var doubled = new Computed<int>(() => source.Get() * 2);
        var sink = 0;
        using var effect = new Effect(() => sink = doubled.Get());

        // Warm up so that the JIT and tiering are out of the measurement.
        for (var i = 1; i <= 1_000; i++)
        {
            source.Set(i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1_001; i <= 11_000; i++)
        {
            source.Set(i);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(22_000, sink);
        Assert.Equal(0, allocated);
    }
}
