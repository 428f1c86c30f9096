using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>The project's server (<see cref="ServerHost"/>) seen as an <see cref="ISyncTestServer"/>.</summary>
internal sealed class ProjectServer(ServerHost host) : ISyncTestServer
{
    public ServerKind Kind => ServerKind.ViewSync;

    public Uri Root => host.Root;

    public ServerHost Host => host;

    public static async Task<ProjectServer> StartAsync() => new(await ServerHost.StartAsync());

    public async Task<IReadOnlyDictionary<string, string>> EntitiesAsync(string scope, string entity)
    {
        var snapshot = await host.Engine.SnapshotAsync(scope);
        return snapshot.Data.TryGetValue(entity, out var values)
            ? values.ToDictionary(v => v.Key, v => v.Value.GetRawText(), StringComparer.Ordinal)
            : new Dictionary<string, string>();
    }

    public async Task<ulong> SnapshotCursorAsync(string scope) => (await host.Engine.SnapshotAsync(scope)).Cursor;

    // The project's server answers malformed requests with 400s the client reports; tests see those as errors.
    public void AssertNothingRefused()
    {
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
