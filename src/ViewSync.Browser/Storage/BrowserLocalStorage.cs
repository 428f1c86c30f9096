using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace ViewSync.Browser;

/// <summary>The browser's <c>localStorage</c>, with Web Locks, through <c>[JSImport]</c> (trim- and AOT-safe).</summary>
/// <remarks>
/// The bindings live in the static web asset <c>_content/ViewSync.Browser/viewsync-browser.js</c>, which
/// the first <see cref="TryLockAsync"/> imports (a <see cref="LocalStoragePersistence"/> does that in its
/// <c>LoadAsync</c>). Runs on the browser's single .NET thread.
/// </remarks>
[SupportedOSPlatform("browser")]
public sealed class BrowserLocalStorage : IKeyValueStorage
{
    /// <summary>Where the bindings are served in a Blazor app at the site root, relative to <c>_framework/</c>.</summary>
    public const string DefaultModuleUrl = "../_content/ViewSync.Browser/viewsync-browser.js";

    private readonly string _moduleUrl;
    private Task? _import;

    /// <summary>Creates the binding.</summary>
    /// <param name="moduleUrl">Where <c>viewsync-browser.js</c> is served; see <see cref="DefaultModuleUrl"/>.</param>
    public BrowserLocalStorage(string moduleUrl = DefaultModuleUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(moduleUrl);
        _moduleUrl = moduleUrl;
    }

    /// <inheritdoc/>
    public string? GetItem(string key) => LocalStorageInterop.GetItem(key);

    /// <inheritdoc/>
    public void SetItem(string key, string value)
    {
        if (LocalStorageInterop.SetItem(key, value) is { } error)
        {
            throw new IOException(
                $"The browser refused to save '{key}' ({value.Length} characters) in localStorage: {error}. " +
                "The storage is probably full: sync the pending mutations or free space for this site.");
        }
    }

    /// <inheritdoc/>
    public void RemoveItem(string key) => LocalStorageInterop.RemoveItem(key);

    /// <inheritdoc/>
    public IReadOnlyList<string> KeysWithPrefix(string prefix) => LocalStorageInterop.KeysWithPrefix(prefix);

    /// <inheritdoc/>
    public async ValueTask<bool> TryLockAsync(string name, TimeSpan timeout)
    {
        await (_import ??= JSHost.ImportAsync(LocalStorageInterop.ModuleName, _moduleUrl)).ConfigureAwait(false);
        return await LocalStorageInterop.TryLock(name, (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Unlock(string name) => LocalStorageInterop.Unlock(name);
}
