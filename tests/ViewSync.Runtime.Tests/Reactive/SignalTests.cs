
namespace ViewSync.Runtime.Tests.ReactiveCore;

public class SignalTests
{
    [Fact]
    public void Get_returns_what_Set_stored()
    {
        var signal = new Signal<string>("a");
        signal.Set("b");

        Assert.Equal("b", signal.Get());
        Assert.Equal("b", signal.Peek());
    }

    [Fact]
    public void Update_applies_the_function_to_the_current_value()
    {
        var signal = new Signal<int>(40);
        signal.Update(v => v + 2);

        Assert.Equal(42, signal.Get());
    }

    [Fact]
    public void Setting_an_equal_value_notifies_nobody()
    {
        var signal = new Signal<int>(1);
        var runs = 0;
        using var effect = new Effect(() => { signal.Get(); runs++; });

        signal.Set(1);

        Assert.Equal(1, runs);
    }

    [Fact]
    public void A_custom_comparer_decides_what_a_change_is()
    {
        var signal = new Signal<string>("abc", StringComparer.OrdinalIgnoreCase);
        var seen = new List<string>();
        using var effect = new Effect(() => seen.Add(signal.Get()));

        signal.Set("ABC");
        signal.Set("abd");

        Assert.Equal(["abc", "abd"], seen);
        Assert.Equal("abd", signal.Peek());
    }

    [Fact]
    public void Peek_inside_an_effect_does_not_subscribe()
    {
        var tracked = new Signal<int>(0);
        var peeked = new Signal<int>(0);
        var runs = 0;
        using var effect = new Effect(() => { tracked.Get(); peeked.Peek(); runs++; });

        peeked.Set(1);
        Assert.Equal(1, runs);
        Assert.Equal(0, peeked.SubscriberCount);

        tracked.Set(1);
        Assert.Equal(2, runs);
    }

    [Fact]
    public void Update_rejects_a_null_function()
    {
        var signal = new Signal<int>(0);
        Assert.Throws<ArgumentNullException>(() => signal.Update(null!));
    }
}
