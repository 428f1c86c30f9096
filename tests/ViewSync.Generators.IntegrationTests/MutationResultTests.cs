using ViewSync.Mutators;

namespace ViewSync.Generators.IntegrationTests;

/// <summary>The replica completes a <see cref="MutationResult"/> where the mutation leaves its queue.</summary>
public sealed class MutationResultTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Confirmed_by_a_pulled_page_that_includes_it()
    {
        var db = new TodoDb();
        db.Todos.Create(new Todo("abc", "Buy milk", false, Noon, []));
        var toggle = db.Mutate.Toggle("abc");
        var rename = db.Mutate.Rename("abc", "Oat milk");

        db.Replica.ApplyServerChanges([], 5, [toggle.Id]);

        Assert.Equal(MutationDecision.Confirmed, await toggle.Server.WaitAsync(TimeSpan.FromSeconds(10)));
        await toggle.Confirmed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(rename.Server.IsCompleted); // still pending
    }

    [Fact]
    public async Task Rejected_by_the_app_through_the_replica()
    {
        var db = new TodoDb();
        db.Todos.Create(new Todo("abc", "Buy milk", false, Noon, []));
        var toggle = db.Mutate.Toggle("abc");

        Assert.True(db.Replica.Reject(toggle.Id));

        var outcome = await toggle.Server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(outcome.IsConfirmed);
        Assert.Equal(ErrorCodes.InvalidMutation, outcome.Code);
        var thrown = await Assert.ThrowsAsync<MutationRejectedException>(() => toggle.Confirmed);
        Assert.Equal(ErrorCodes.InvalidMutation, thrown.Code);
    }

    [Fact]
    public void A_mutation_its_mutator_refuses_locally_throws_and_returns_no_result()
    {
        var db = new TodoDb();
        db.Todos.Create(new Todo("abc", "Buy milk", false, Noon, []));

        Assert.Throws<MutationRejectedException>(() => db.Mutate.Rename("abc", " "));
        Assert.Equal(1, db.PendingCount.Get()); // only the create
    }
}
