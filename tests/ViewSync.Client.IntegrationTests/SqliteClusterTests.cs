using Xunit.Abstractions;

namespace ViewSync.Client.IntegrationTests;

/// <summary>The cluster tests with three nodes on one SQLite file (SQLite locks the file across processes).</summary>
public sealed class SqliteClusterTests(ITestOutputHelper output) : ClusterTests(output)
{
    private readonly string _directory = Directory.CreateTempSubdirectory("viewsync-cluster-").FullName;

    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> StorageArgumentsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(["sqlite", Path.Combine(_directory, "cluster.db")]);

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
