namespace ViewSync;

/// <summary>Settings of the live (WebSocket) connection that tells the client when to pull.</summary>
public sealed class LiveOptions
{
    /// <summary>The live endpoint. When null it is derived from the base URL: <c>ws(s)://host/_live</c>.</summary>
    public Uri? Url { get; set; }

    /// <summary>The first reconnect delay; it doubles (with jitter) up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect delay.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);
}
