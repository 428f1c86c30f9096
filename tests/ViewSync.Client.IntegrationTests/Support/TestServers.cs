namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>Starts the server a test names, and lists them for xunit theories.</summary>
public static class TestServers
{
    /// <summary>Every <see cref="ServerKind"/>, as theory data.</summary>
    public static TheoryData<ServerKind> Kinds => [ServerKind.ViewSync, ServerKind.Strict];

    /// <summary>Every <see cref="ServerKind"/> with live on and off, as theory data.</summary>
    public static TheoryData<ServerKind, bool> KindsAndLive => new()
    {
        { ServerKind.ViewSync, true },
        { ServerKind.ViewSync, false },
        { ServerKind.Strict, true },
        { ServerKind.Strict, false },
    };

    internal static async Task<ISyncTestServer> StartAsync(ServerKind kind) => kind switch
    {
        ServerKind.ViewSync => await ProjectServer.StartAsync(),
        ServerKind.Strict => await StrictServer.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown server kind."),
    };
}
