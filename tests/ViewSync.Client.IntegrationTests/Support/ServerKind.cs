namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>The servers client tests run against.</summary>
public enum ServerKind
{
    /// <summary>The project's ASP.NET Core server (<c>ViewSync.Server</c>) with the Todo sample's mutators.</summary>
    ViewSync,

    /// <summary>The strict test server written from PROTOCOL.md in the Go engine's manner (<see cref="StrictServer"/>).</summary>
    Strict,
}
