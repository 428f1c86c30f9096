namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>A request as the server saw it: where it went, the credentials it carried, and the answer's status.</summary>
internal sealed class SeenRequest(string path, string query, string? authorization)
{
    private int _status;

    public string Path { get; } = path;

    public string Query { get; } = query;

    public string? Authorization { get; } = authorization;

    /// <summary>The status once the answer started (101 for an accepted WebSocket), else 0.</summary>
    public int Status
    {
        get => Volatile.Read(ref _status);
        set => Volatile.Write(ref _status, value);
    }

    /// <summary>Whether the client went away before the answer was complete (a stopping client cancels what it has in flight).</summary>
    public bool AbortedByClient { get; set; }

    /// <summary>Whether the server has finished with it.</summary>
    public bool IsDone { get; set; }

    public bool IsLive => Path.StartsWith("/_live", StringComparison.Ordinal);

    public override string ToString() => $"{Path}{Query} {Status} {(Authorization is null ? "(no credentials)" : "Bearer …")}";
}
