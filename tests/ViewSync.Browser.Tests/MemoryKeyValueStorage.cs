using ViewSync.Browser;

namespace ViewSync.Browser.Tests;

/// <summary>
/// localStorage's behaviour off the browser: string values, atomic single-key writes, a quota in
/// characters, and named locks. The real one is exercised by the browser test (tests/browser).
/// </summary>
internal sealed class MemoryKeyValueStorage : IKeyValueStorage
{
    private readonly Dictionary<string, string> _items = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locks = new(StringComparer.Ordinal);

    /// <summary>The most characters (keys plus values) it holds, as a browser's quota does.</summary>
    public int Quota { get; set; } = int.MaxValue;

    /// <summary>Keys whose writes fail, as if the page had closed just before them.</summary>
    public HashSet<string> Refused { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Items => _items;

    public string? GetItem(string key) => _items.GetValueOrDefault(key);

    public void SetItem(string key, string value)
    {
        var size = _items.Sum(i => i.Key.Length + i.Value.Length) - (_items.TryGetValue(key, out var old) ? key.Length + old.Length : 0);
        if (Refused.Contains(key) || size + key.Length + value.Length > Quota)
        {
            throw new IOException($"QuotaExceededError: '{key}' does not fit.");
        }

        _items[key] = value;
    }

    public void RemoveItem(string key) => _items.Remove(key);

    public IReadOnlyList<string> KeysWithPrefix(string prefix) => [.. _items.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))];

    public ValueTask<bool> TryLockAsync(string name, TimeSpan timeout)
    {
        lock (_locks)
        {
            return ValueTask.FromResult(_locks.Add(name));
        }
    }

    public void Unlock(string name)
    {
        lock (_locks)
        {
            _locks.Remove(name);
        }
    }
}
