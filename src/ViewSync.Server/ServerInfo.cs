namespace ViewSync.Server;

/// <summary>Facts about this server implementation.</summary>
public static class ServerInfo
{
    /// <summary>The wire protocol version this server speaks (PROTOCOL.md, v1).</summary>
    public const int ProtocolVersion = 1;
}
