using ViewSync.Transport;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>A snapshot sink that keeps every entity it is handed, as text.</summary>
internal sealed class CollectingSink : ISnapshotSink
{
    public List<(string Entity, string Id, string Json)> Entities { get; } = [];

    public void Add(string entity, string id, ReadOnlyMemory<byte> json) =>
        Entities.Add((entity, id, System.Text.Encoding.UTF8.GetString(json.Span)));
}
