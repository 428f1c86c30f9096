
namespace ViewSync.Runtime.Tests.ReactiveCore;

public class ComputedTests
{
    [Fact]
    public void A_computed_runs_only_when_read()
    {
        var source = new Signal<int>(1);
        var runs = 0;
        var doubled = new Computed<int>(() => { runs++; return source.Get() * 2; });

        Assert.Equal(0, runs);
        source.Set(2);
        Assert.Equal(0, runs);

        Assert.Equal(4, doubled.Get());
        Assert.Equal(1, runs);
    }

    [Fact]
    public void A_computed_is_cached_until_a_dependency_changes()
    {
        var source = new Signal<int>(1);
        var other = new Signal<int>(0);
        var runs = 0;
        var doubled = new Computed<int>(() => { runs++; return source.Get() * 2; });

        doubled.Get();
        doubled.Get();
        other.Set(5); // unrelated write
        doubled.Get();
        Assert.Equal(1, runs);

        source.Set(3);
        Assert.Equal(6, doubled.Get());
        Assert.Equal(2, runs);
    }

    [Fact]
    public void A_computed_that_recomputes_to_an_equal_value_does_not_rerun_its_dependents()
    {
        var source = new Signal<int>(2);
        var parity = new Computed<bool>(() => source.Get() % 2 == 0);
        var dependentRuns = 0;
        var label = new Computed<string>(() => { dependentRuns++; return parity.Get() ? "even" : "odd"; });
        var effectRuns = 0;
        using var effect = new Effect(() => { label.Get(); effectRuns++; });

        source.Set(4);
        source.Set(6);

        Assert.Equal(1, dependentRuns);
        Assert.Equal(1, effectRuns);

        source.Set(7);
        Assert.Equal(2, dependentRuns);
        Assert.Equal(2, effectRuns);
    }

    [Fact]
    public void A_computed_comparer_cuts_off_propagation()
    {
        var source = new Signal<string>("a");
        var upper = new Computed<string>(() => source.Get(), StringComparer.OrdinalIgnoreCase);
        var runs = 0;
        using var effect = new Effect(() => { upper.Get(); runs++; });

        source.Set("A");
        Assert.Equal(1, runs);
        source.Set("b");
        Assert.Equal(2, runs);
    }

    [Fact]
    public void A_branch_no_longer_taken_stops_being_a_dependency()
    {
        var useLeft = new Signal<bool>(true);
        var left = new Signal<int>(1);
        var right = new Signal<int>(2);
        var runs = 0;
        var chosen = new Computed<int>(() => { runs++; return useLeft.Get() ? left.Get() : right.Get(); });
        using var effect = new Effect(() => chosen.Get());
        Assert.Equal(1, runs);

        useLeft.Set(false);
        Assert.Equal(2, runs);
        Assert.Equal(0, left.SubscriberCount);

        left.Set(10);
        Assert.Equal(2, runs);

        right.Set(20);
        Assert.Equal(3, runs);
        Assert.Equal(20, chosen.Get());
    }

    [Fact]
    public void An_exception_is_cached_and_rethrown_until_a_dependency_changes()
    {
        var source = new Signal<int>(0);
        var runs = 0;
        var inverse = new Computed<int>(() =>
        {
            runs++;
            return source.Get() == 0 ? throw new DivideByZeroException("no inverse of zero") : 100 / source.Get();
        });

        var first = Assert.Throws<DivideByZeroException>(() => inverse.Get());
        var second = Assert.Throws<DivideByZeroException>(() => inverse.Get());
        Assert.Equal("no inverse of zero", first.Message);
        Assert.Same(first, second);
        Assert.Equal(1, runs);

        source.Set(4);
        Assert.Equal(25, inverse.Get());
        Assert.Equal(2, runs);
    }

    [Fact]
    public void An_error_propagates_through_dependent_computeds()
    {
        var source = new Signal<int>(0);
        var failing = new Computed<int>(() => source.Get() == 0 ? throw new InvalidDataException("bad") : source.Get());
        var plusOne = new Computed<int>(() => failing.Get() + 1);

        Assert.Throws<InvalidDataException>(() => plusOne.Get());
        source.Set(1);
        Assert.Equal(2, plusOne.Get());
    }

    [Fact]
    public void Reading_a_computed_inside_its_own_computation_names_the_cycle()
    {
        Computed<int>? b = null;
        var a = new Computed<int>(() => b!.Get() + 1, name: "a");
        b = new Computed<int>(() => a.Get() + 1, name: "b");

        var error = Assert.Throws<InvalidOperationException>(() => a.Get());

        Assert.Contains("Cycle detected", error.Message, StringComparison.Ordinal);
        Assert.Contains("computed 'a' -> computed 'b' -> computed 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_longer_cycle_is_named_in_the_order_the_computeds_read_each_other()
    {
        // Reached from an effect and after other reads, so the path must be the reading chain, not every node running.
        Computed<int>? c = null;
        var other = new Computed<int>(() => 1, name: "other");
        var a = new Computed<int>(() => other.Get() + c!.Get(), name: "a");
        var b = new Computed<int>(() => a.Get() + 1, name: "b");
        c = new Computed<int>(() => other.Get() + b.Get(), name: "c");
        Exception? seen = null;

        using var effect = new Effect(() => c.Get(), onError: e => seen = e);

        var error = Assert.IsType<InvalidOperationException>(seen);
        Assert.Contains("computed 'c' -> computed 'b' -> computed 'a' -> computed 'c'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_through_a_peek_names_its_ends()
    {
        // a peeks at b (no link), b reads c, c reads a: the path from a cannot be followed, so its ends are named.
        Computed<int>? c = null;
        var b = new Computed<int>(() => c!.Get() + 1, name: "b");
        var a = new Computed<int>(() => b.Peek() + 1, name: "a");
        c = new Computed<int>(() => a.Get() + 1, name: "c");

        var error = Assert.Throws<InvalidOperationException>(() => a.Get());

        Assert.Contains("computed 'a' -> ... -> computed 'c' -> computed 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_computed_reading_itself_directly_is_a_cycle()
    {
        Computed<int>? self = null;
        self = new Computed<int>(() => self!.Get(), name: "self");

        var error = Assert.Throws<InvalidOperationException>(() => self.Get());
        Assert.Contains("computed 'self' -> computed 'self'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Peek_refreshes_without_subscribing()
    {
        var source = new Signal<int>(1);
        var plusOne = new Computed<int>(() => source.Get() + 1);
        var runs = 0;
        using var effect = new Effect(() => { plusOne.Peek(); runs++; });

        source.Set(2);
        Assert.Equal(1, runs);
        Assert.Equal(3, plusOne.Peek());
        Assert.Equal(0, plusOne.SubscriberCount);
    }
}
