namespace ViewSync.Browser;

/// <summary>
/// A synchronous string key-value store with an exclusive lock per name: the shape of the browser's
/// <c>localStorage</c> plus the Web Locks API. <see cref="LocalStoragePersistence"/> keeps its data here.
/// </summary>
/// <remarks>
/// <see cref="BrowserLocalStorage"/> is the browser's implementation. Implement it yourself to keep a
/// <see cref="LocalStoragePersistence"/> somewhere else (for example <c>sessionStorage</c>).
/// </remarks>
public interface IKeyValueStorage
{
    /// <summary>Reads one value.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value, or <see langword="null"/> when the key is not set.</returns>
    string? GetItem(string key);

    /// <summary>Sets one value, replacing what was there.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="IOException">The storage refused the write (for example, its quota is full); nothing was written.</exception>
    void SetItem(string key, string value);

    /// <summary>Removes one value; a key that is not set is ignored.</summary>
    /// <param name="key">The key.</param>
    void RemoveItem(string key);

    /// <summary>Lists the keys that start with a prefix.</summary>
    /// <param name="prefix">The prefix, compared ordinally.</param>
    /// <returns>The keys, in no particular order.</returns>
    IReadOnlyList<string> KeysWithPrefix(string prefix);

    /// <summary>Takes the exclusive lock called <paramref name="name"/>, waiting up to <paramref name="timeout"/>.</summary>
    /// <param name="name">The lock's name.</param>
    /// <param name="timeout">How long to wait for another holder to let go.</param>
    /// <returns><see langword="true"/> when the lock is now held; <see langword="false"/> when another holder kept it.</returns>
    ValueTask<bool> TryLockAsync(string name, TimeSpan timeout);

    /// <summary>Releases a lock taken with <see cref="TryLockAsync"/>; a lock that is not held is ignored.</summary>
    /// <param name="name">The lock's name.</param>
    void Unlock(string name);
}
