using System.Globalization;

namespace ViewSync.Tests.Journal;

/// <summary>
/// What a replica's journal must hold at one point of a workload: the cursor, a digest of the confirmed
/// state and the pending mutation ids in order. <see cref="OneMoreMutation"/> marks the state after a
/// <c>Mutate</c> whose id is not known yet (it was in flight): one more id, any, at the end.
/// </summary>
internal sealed record ExpectedState(ulong Cursor, string Confirmed, IReadOnlyList<string> Pending, bool OneMoreMutation = false)
{
    public bool Matches(ExpectedState actual) =>
        actual.Cursor == Cursor
        && actual.Confirmed == Confirmed
        && (OneMoreMutation
            ? actual.Pending.Count == Pending.Count + 1 && actual.Pending.Take(Pending.Count).SequenceEqual(Pending)
            : actual.Pending.SequenceEqual(Pending));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Cursor} {Confirmed} {(Pending.Count == 0 ? "-" : string.Join(',', Pending))}{(OneMoreMutation ? " +1" : "")}");

    public static ExpectedState Parse(string text)
    {
        var parts = text.Split(' ');
        return new ExpectedState(
            ulong.Parse(parts[0], CultureInfo.InvariantCulture),
            parts[1],
            parts[2] == "-" ? [] : parts[2].Split(','),
            parts.Length > 3 && parts[3] == "+1");
    }

    /// <summary>The state a replica holds now (confirmed state, cursor, pending ids).</summary>
    public static ExpectedState Of(Replica replica) =>
        new(replica.Cursor, StateDigest.Of(replica.ConfirmedSnapshot()), [.. replica.Pending().Select(m => m.Id)]);
}
