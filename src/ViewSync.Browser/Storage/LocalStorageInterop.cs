using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace ViewSync.Browser;

/// <summary>The [JSImport] bindings to <c>wwwroot/viewsync-browser.js</c>.</summary>
[SupportedOSPlatform("browser")]
internal static partial class LocalStorageInterop
{
    public const string ModuleName = "ViewSync.Browser";

    [JSImport("getItem", ModuleName)]
    public static partial string? GetItem(string key);

    [JSImport("setItem", ModuleName)]
    public static partial string? SetItem(string key, string value);

    [JSImport("removeItem", ModuleName)]
    public static partial void RemoveItem(string key);

    [JSImport("keysWithPrefix", ModuleName)]
    public static partial string[] KeysWithPrefix(string prefix);

    [JSImport("tryLock", ModuleName)]
    [return: JSMarshalAs<JSType.Promise<JSType.Boolean>>]
    public static partial Task<bool> TryLock(string name, int timeoutMs);

    [JSImport("unlock", ModuleName)]
    public static partial void Unlock(string name);
}
