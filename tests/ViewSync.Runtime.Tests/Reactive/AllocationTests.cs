
namespace ViewSync.Runtime.Tests.ReactiveCore;

/// <summary>
/// Runs alone: dropped links go to a free list shared by the whole graph, so a test creating effects on another thread
/// at the same time can take the link this thread's next dependency switch would have reused, and this thread allocates.
/// </summary>
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public sealed class AllocationTestGroup;

[Collection(nameof(AllocationTests))]
public class AllocationTests
{
    [Fact]
    public void Ten_thousand_sets_through_a_computed_and_an_effect_allocate_nothing()
    {
        var source = new Signal<int>(0);
        var doubled = new Computed<int>(() => source.Get() * 2);
        var sink = 0;
        using var effect = new Effect(() => sink = doubled.Get());

        var allocated = AllocatedBySets(source);

        Assert.Equal(22_000, sink);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Switching_dependencies_back_and_forth_allocates_nothing()
    {
        // The "unstable" shape: each write flips which computeds the effect reads, so links are dropped and made.
        var source = new Signal<int>(0);
        var doubled = new Computed<int>(() => source.Get() * 2);
        var negated = new Computed<int>(() => -source.Get());
        var current = new Computed<int>(() =>
        {
            var sum = 0;
            for (var i = 0; i < 20; i++)
            {
                sum += (source.Get() & 1) == 1 ? doubled.Get() : negated.Get();
            }

            return sum;
        });
        var sink = 0;
        using var effect = new Effect(() => sink = current.Get());

        var allocated = AllocatedBySets(source);

        Assert.Equal(-20 * 11_000, sink);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Reading_signals_and_computeds_outside_the_graph_allocates_nothing()
    {
        var source = new Signal<int>(3);
        var plusOne = new Computed<int>(() => source.Get() + 1);
        var total = 0L;
        for (var i = 0; i < 1_000; i++)
        {
            total += source.Get() + plusOne.Get();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            total += source.Get() + plusOne.Get() + plusOne.Peek();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal((1_000 * 7L) + (10_000 * 11L), total);
    }

    [Fact]
    public void A_plain_signal_and_a_plain_effect_carry_only_the_fields_they_use()
    {
        // Every row of a store holds signals, so their size is the store's memory: a signal has no observer fields,
        // and a comparer, name, context or error handler costs a field only when given.
        var read = new Signal<int>(1);
        var signals = new Signal<int>[1_000];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < signals.Length; i++)
        {
            signals[i] = new Signal<int>(i);
        }

        var perSignal = (GC.GetAllocatedBytesForCurrentThread() - before) / signals.Length;

        var sink = 0;
        Action readIntoSink = () => sink = read.Get();
        new Effect(readIntoSink).Dispose(); // the first link, then reused from the free list
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            new Effect(readIntoSink).Dispose();
        }

        var perEffect = (GC.GetAllocatedBytesForCurrentThread() - before) / 1_000;

        Assert.Equal(999, signals[^1].Peek());
        Assert.Equal(1, sink);
        Assert.True(perSignal <= 48, $"a Signal<int> takes {perSignal} B");
        Assert.True(perEffect <= 112, $"an effect takes {perEffect} B");
    }

    /// <summary>Sets 1..1,000 to warm up (JIT and tiering out of the measurement), then returns what setting 1,001..11,000 allocated.</summary>
    private static long AllocatedBySets(Signal<int> source)
    {
        for (var i = 1; i <= 1_000; i++)
        {
            source.Set(i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1_001; i <= 11_000; i++)
        {
            source.Set(i);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
