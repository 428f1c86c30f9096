using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Mutators;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

/// <summary><c>db.Mutate.X(...)</c> returns a <see cref="MutationResult"/> the app can await: confirmed by the server, or rejected with its code and message.</summary>
public sealed class MutationResultTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_result_is_confirmed_once_the_client_has_pulled_the_state_that_includes_it()
    {
        await using var server = await ServerHost.StartAsync();
        await using var client = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await client.StartAsync();
        var db = client.Db();
        db.Todos.Create(new Todo("a", "Milk", false));

        var result = db.Mutate.Toggle("a");

        Assert.Equal(db.Replica.Pending()[^1].Id, result.Id);
        Assert.False(result.Server.IsCompleted); // applied and recorded locally; the server has not decided
        Assert.False(result.Confirmed.IsCompleted);

        await client.SyncAsync();

        var outcome = await result.Server.WaitAsync(Deadline);
        Assert.True(outcome.IsConfirmed);
        Assert.Null(outcome.Code);
        await result.Confirmed.WaitAsync(Deadline);
        Assert.Equal(0, client.PendingCount.Get());
    }

    [Fact]
    public async Task A_rejected_result_carries_the_servers_code_and_message_and_Confirmed_throws()
    {
        await using var server = await ServerHost.StartAsync();
        await using var a = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await using var b = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        await a.StartAsync();
        await b.StartAsync();
        b.Db().Todos.Create(new Todo("x", "shared", false));
        await b.SyncAsync();
        await a.SyncAsync();
        b.Db().Todos.Get("x").Delete();
        await b.SyncAsync();
        MutationRejectedEventArgs? reported = null;
        a.MutationRejected += (_, e) => reported = e;

        var toggle = a.Db().Mutate.Toggle("x"); // x is gone on the server: a conflict
        await a.SyncAsync();

        var outcome = await toggle.Server.WaitAsync(Deadline);
        Assert.False(outcome.IsConfirmed);
        Assert.NotNull(reported);
        Assert.Equal(reported.Code, outcome.Code);
        Assert.Equal(reported.Error, outcome.Message);
        Assert.False(string.IsNullOrEmpty(outcome.Message));
        var thrown = await Assert.ThrowsAsync<MutationRejectedException>(() => toggle.Confirmed.WaitAsync(Deadline));
        Assert.Equal(outcome.Code, thrown.Code);
        Assert.Equal(outcome.Message, thrown.Message);
        Assert.False(a.Db().Todos.Get("x").Exists()); // rolled back before the result completed
    }
}
