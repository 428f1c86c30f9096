using ViewSync.Tests;
using Xunit.Abstractions;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>One server node of a cluster test: a ViewSync.Cluster.Host process on a free loopback port.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(2);
    private readonly ChildProcess _process;

    private ClusterNode(ChildProcess process, string name, Uri root)
    {
        _process = process;
        Name = name;
        Root = root;
    }

    /// <summary>The node's name in the test output.</summary>
    public string Name { get; }

    /// <summary>The node's root: sync at <c>_sync/</c>, live at <c>_live</c>.</summary>
    public Uri Root { get; }

    /// <summary>The sync base URL.</summary>
    public Uri SyncUrl => new(Root, "_sync/");

    /// <summary>Whether the test killed it.</summary>
    public bool IsKilled { get; private set; }

    /// <summary>Starts a node over <paramref name="storage"/> (the host's command line, e.g. <c>["sqlite", path]</c>) and waits until it listens.</summary>
    public static async Task<ClusterNode> StartAsync(string name, IEnumerable<string> storage, ITestOutputHelper output)
    {
        var process = ChildProcess.Start(SiblingBuild.Dll("tests/ViewSync.Cluster.Host", "ViewSync.Cluster.Host"), storage, output, name, StepTimeout);
        try
        {
            var ready = await process.ExpectAsync("ready");
            return new ClusterNode(process, name, new Uri(ready["ready ".Length..]));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL.</summary>
    public async Task KillAsync()
    {
        IsKilled = true;
        await _process.KillAsync();
    }

    /// <summary>Waits until the node's process has ended on its own (e.g. it killed itself).</summary>
    public async Task WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        IsKilled = true;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
