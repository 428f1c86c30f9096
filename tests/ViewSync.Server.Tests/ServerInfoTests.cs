namespace ViewSync.Server.Tests;

public class ServerInfoTests
{
    [Fact]
    public void The_server_speaks_protocol_version_1() => Assert.Equal(1, ServerInfo.ProtocolVersion);
}
