using System.Collections.Concurrent;
using System.Text.Json;
using ViewSync.Mutators;

namespace ViewSync;

/// <content>Mutations the app can await: <see cref="Submit(string, ReadOnlyMemory{byte})"/> and the server's decisions.</content>
public sealed partial class Replica
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<MutationDecision>> _outcomes = new(StringComparer.Ordinal);

    /// <summary>
    /// Applies a mutator optimistically, records it and queues it for the server, as <see cref="Mutate(string, ReadOnlyMemory{byte})"/>
    /// does, and returns a result whose tasks complete when the server confirms or rejects it. Generated <c>db.Mutate.X(...)</c> helpers call this.
    /// </summary>
    /// <param name="name">The mutator name, e.g. <c>todo.toggle</c>.</param>
    /// <param name="args">The arguments, a JSON object (UTF-8).</param>
    /// <returns>The mutation's id and the server's decision to come.</returns>
    /// <exception cref="ArgumentException"><paramref name="args"/> is not valid JSON.</exception>
    /// <exception cref="MutationRejectedException">The mutator is unknown or rejected the mutation; nothing was queued.</exception>
    /// <exception cref="Mutations.MutationTooLargeException">The mutation could never fit in a push batch; nothing was queued.</exception>
    /// <exception cref="IOException">It could not be recorded in the journal; nothing was queued.</exception>
    public MutationResult Submit(string name, ReadOnlyMemory<byte> args)
    {
        var outcome = new TaskCompletionSource<MutationDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(args);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The arguments of '{name}' are not valid JSON: {e.Message}", nameof(args), e);
        }

        using (document)
        {
            return new MutationResult(Mutate(name, document.RootElement, outcome), outcome.Task);
        }
    }

    /// <summary>Completes the results of mutations the server confirmed. Called under the graph's lock, where they leave the queue.</summary>
    private void SettleConfirmed(List<string> confirmed)
    {
        if (_outcomes.IsEmpty)
        {
            return;
        }

        foreach (var id in confirmed)
        {
            if (_outcomes.TryRemove(id, out var outcome))
            {
                outcome.TrySetResult(MutationDecision.Confirmed);
            }
        }
    }

    /// <summary>Completes the results of mutations the server rejected.</summary>
    private void SettleRejected(IEnumerable<MutationRejection> rejected)
    {
        if (_outcomes.IsEmpty)
        {
            return;
        }

        foreach (var rejection in rejected)
        {
            if (_outcomes.TryRemove(rejection.Id, out var outcome))
            {
                outcome.TrySetResult(MutationDecision.Rejected(rejection.Code, rejection.Message));
            }
        }
    }

    /// <summary>
    /// Records that the server rejected mutations, with the reason of each, as <see cref="Reject(IReadOnlyCollection{string})"/>
    /// does, and completes their results with those reasons.
    /// </summary>
    internal int Reject(IReadOnlyList<MutationRejection> rejections)
    {
        using var scope = ReactiveRuntime.Gate.EnterScope();
        var count = RejectCore([.. rejections.Select(r => r.Id)]);
        SettleRejected(rejections);
        return count;
    }
}
