namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>One entry of the strict server's global log: the Go engine's <c>sync.Change</c> with a ViewSync entity payload.</summary>
internal sealed record StrictChange(ulong Cursor, string Scope, DateTimeOffset Time, string Entity, string Id, string Op, byte[]? Value);
