namespace ViewSync.Protocol;

/// <summary>Scope names the protocol gives meaning to.</summary>
public static class Scopes
{
    /// <summary>The scope an empty or missing scope means.</summary>
    public const string Default = "_default";

    /// <summary>Maps null or empty to <see cref="Default"/>.</summary>
    /// <param name="scope">A scope from a request.</param>
    /// <returns>The scope to use.</returns>
    public static string Normalize(string? scope) => string.IsNullOrEmpty(scope) ? Default : scope;

    /// <summary>The live topic on which a scope's log advances are published: <c>sync:{scope}</c>.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>The topic.</returns>
    public static string Topic(string scope) => "sync:" + Normalize(scope);
}
