namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>What the strict server did with one pushed mutation: applied (with its cursor and changes) or rejected with an error text.</summary>
internal sealed record StrictOutcome(bool Ok, ulong Cursor, IReadOnlyList<StrictChange> Changes, string? Error);
