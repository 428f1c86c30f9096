namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>A sync server a client test runs against, on real Kestrel on 127.0.0.1: the project's server or the strict one.</summary>
internal interface ISyncTestServer : IAsyncDisposable
{
    /// <summary>Which server this is.</summary>
    ServerKind Kind { get; }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:PORT/</c>; the sync prefix is <c>_sync/</c>, live <c>_live</c>.</summary>
    Uri Root { get; }

    /// <summary>The server's authoritative entities of one type in a scope: id → the stored JSON.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="entity">The entity name, e.g. <c>todo</c>.</param>
    /// <returns>The entities.</returns>
    Task<IReadOnlyDictionary<string, string>> EntitiesAsync(string scope, string entity);

    /// <summary>The cursor a snapshot of <paramref name="scope"/> is at now.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>The cursor.</returns>
    Task<ulong> SnapshotCursorAsync(string scope);

    /// <summary>Fails the test when the server refused a request for breaking the protocol (the strict server records every one).</summary>
    void AssertNothingRefused();
}
