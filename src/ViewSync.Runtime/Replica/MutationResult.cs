using ViewSync.Mutators;

namespace ViewSync;

/// <summary>
/// What <c>db.Mutate.X(...)</c> returns: the mutation was applied to the visible state and recorded locally
/// (in the journal, when the replica is persistent) before the call returned; <see cref="Server"/> and
/// <see cref="Confirmed"/> tell when the server has decided — the shape of Zero's mutators (a client and a
/// server promise).
/// </summary>
/// <remarks>
/// <para>A mutator that refuses the mutation on the client throws from <c>db.Mutate.X(...)</c> itself
/// (<see cref="MutationRejectedException"/>): nothing was queued, so there is no result.</para>
/// <para>The tasks complete when the sync client pulls the server state that includes the mutation (confirmed),
/// or when the server rejects it (its effects are rolled back first). Offline, they wait; they are not kept across
/// a restart of the app (the mutation itself is, and still syncs). Wait with a timeout or a cancellation token
/// (<c>await result.Confirmed.WaitAsync(token)</c>) where the app may stop before the server answers.</para>
/// </remarks>
public sealed class MutationResult
{
    internal MutationResult(string id, Task<MutationDecision> server)
    {
        Id = id;
        Server = server;
        Confirmed = ConfirmAsync(server);
    }

    /// <summary>The mutation's id, as <see cref="SyncClient.MutationRejected"/> and the server know it.</summary>
    public string Id { get; }

    /// <summary>Completes with the server's decision: confirmed, or rejected with its code and message. Never faults.</summary>
    public Task<MutationDecision> Server { get; }

    /// <summary>
    /// Completes when the server confirmed the mutation; faults with a <see cref="MutationRejectedException"/>
    /// (carrying the server's code and message) when it rejected it.
    /// </summary>
    public Task Confirmed { get; }

    /// <summary>The mutation's id.</summary>
    /// <returns><see cref="Id"/>.</returns>
    public override string ToString() => Id;

    private static async Task ConfirmAsync(Task<MutationDecision> server)
    {
        var outcome = await server.ConfigureAwait(false);
        if (!outcome.IsConfirmed)
        {
            throw new MutationRejectedException(outcome.Code ?? ErrorCodes.InvalidMutation, outcome.Message ?? "The server rejected the mutation.");
        }
    }
}
