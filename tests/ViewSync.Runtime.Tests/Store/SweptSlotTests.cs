using ViewSync.Store;

namespace ViewSync.Runtime.Tests.Store;

/// <summary>Issue 12: sweeping slots of missing ids must not leave an unobserved computed linked to a dead slot.</summary>
public class SweptSlotTests
{
    [Fact]
    public void An_unobserved_computed_sees_an_entity_created_after_its_slot_was_swept()
    {
        var store = new LocalStore();
        var exists = new Computed<bool>(() => store.Contains("todo", "x"));
        Assert.False(exists.Get());

        // Enough observed reads of other missing ids to trigger the sweep of unobserved empty slots.
        for (var i = 0; i < 2_100; i++)
        {
            Assert.False(new Computed<bool>(() => store.Contains("todo", $"missing-{i}")).Get());
        }

        store.Set("todo", "x", "{}"u8);

        Assert.True(exists.Get());
    }

    [Fact]
    public void An_unobserved_computed_sees_an_entity_recreated_after_it_was_deleted()
    {
        var store = new LocalStore();
        store.Set("todo", "x", "{\"v\":1}"u8);
        var value = new Computed<string?>(() => store.Get("todo", "x") is { } json ? System.Text.Encoding.UTF8.GetString(json.Span) : null);
        Assert.Equal("{\"v\":1}", value.Get());

        store.Delete("todo", "x");
        for (var i = 0; i < 2_100; i++)
        {
            new Computed<bool>(() => store.Contains("todo", $"missing-{i}")).Get();
        }

        store.Set("todo", "x", "{\"v\":2}"u8);

        Assert.Equal("{\"v\":2}", value.Get());
    }
}
