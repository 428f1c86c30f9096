using System.Runtime.CompilerServices;

namespace ViewSync.Runtime.Tests.ReactiveCore;

public class LeakTests
{
    [Fact]
    public void An_unobserved_computed_holds_no_subscription_and_is_collectable()
    {
        var source = new Signal<int>(1);
        var weak = ReadOnceAndForget(source);

        Assert.Equal(0, source.SubscriberCount);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(weak.IsAlive);
        source.Set(2); // nothing left to notify
    }

    [Fact]
    public void A_computed_whose_last_effect_was_disposed_is_released_by_its_sources()
    {
        var source = new Signal<int>(1);
        var weak = ObserveThenDispose(source);

        Assert.Equal(0, source.SubscriberCount);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(weak.IsAlive);
    }

    [Fact]
    public void A_computed_observed_by_an_effect_stays_subscribed()
    {
        var source = new Signal<int>(1);
        var computed = new Computed<int>(() => source.Get() + 1);
        using var effect = new Effect(() => computed.Get());

        Assert.Equal(1, source.SubscriberCount);
        Assert.Equal(1, computed.SubscriberCount);
        Assert.Equal(1, computed.SourceCount);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ReadOnceAndForget(Signal<int> source)
    {
        var computed = new Computed<int>(() => source.Get() + 1);
        Assert.Equal(2, computed.Get());
        return new WeakReference(computed);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ObserveThenDispose(Signal<int> source)
    {
        var computed = new Computed<int>(() => source.Get() + 1);
        var effect = new Effect(() => computed.Get());
        Assert.Equal(1, source.SubscriberCount);
        effect.Dispose();
        return new WeakReference(computed);
    }
}
