using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Cluster.Host;
using ViewSync.Tests.PostgreSql;
using Xunit.Abstractions;

namespace ViewSync.Client.IntegrationTests;

/// <summary>
/// The cluster tests with three nodes on one PostgreSQL (a throwaway cluster this class starts; each test its own
/// schema), and what only a shared database server gives: a change pushed on one node wakes live clients of another
/// (LISTEN/NOTIFY).
/// </summary>
public sealed class PostgreSqlClusterTests(PostgreSqlClusterTests.Database database, ITestOutputHelper output)
    : ClusterTests(output), IClassFixture<PostgreSqlClusterTests.Database>
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> StorageArgumentsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(["postgres", database.ConnectionString, $"t_{Guid.NewGuid():N}"]);

    [Fact]
    public async Task A_change_pushed_on_one_node_notifies_live_subscribers_on_the_others()
    {
        Assert.True(await LiveCrossesNodesAsync(Nodes[0], Nodes[2], "live"), "no notification on node3 for a push on node1");
        Assert.True(await LiveCrossesNodesAsync(Nodes[2], Nodes[1], "live"), "no notification on node2 for a push on node3");
    }

    [Fact]
    public async Task A_live_client_on_one_node_sees_a_change_made_through_another_without_polling()
    {
        // The watcher never polls (its pull interval is far beyond the test): only a live notification makes it pull.
        await using var watcher = Client(Nodes[2], "team", live: true, pullInterval: TimeSpan.FromHours(1));
        await using var writer = Client(Nodes[0], "team", live: false);
        await watcher.StartAsync();
        await writer.StartAsync();
        await Eventually.TrueAsync(() => watcher.Status.LastSyncedAt is not null, "the watcher took its first snapshot");

        // Writes until one reaches the watcher: the first may land before its live connection subscribed.
        for (var i = 0; ; i++)
        {
            new ClusterDb(writer).Mutate.Add("board", $"n{i}");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
            while (DateTime.UtcNow < deadline && Tags(watcher, "board").Count == 0)
            {
                await Task.Delay(20);
            }

            if (Tags(watcher, "board").Count > 0)
            {
                break;
            }

            Assert.True(i < 10, "the live client on node3 never heard of the changes made through node1");
        }
    }

    /// <summary>One throwaway PostgreSQL for the class.</summary>
    public sealed class Database : IAsyncLifetime
    {
        private PostgresCluster? _cluster;

        /// <summary>The superuser's connection string.</summary>
        public string ConnectionString => _cluster!.ConnectionString;

        /// <inheritdoc />
        public async Task InitializeAsync() => _cluster = await PostgresCluster.StartAsync();

        /// <inheritdoc />
        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
    }
}
