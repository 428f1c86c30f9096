using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using ViewSync.Protocol;
using ViewSync.Server.Engine;

namespace ViewSync.Server.Live;

/// <summary>
/// Fans the engine's log advances out to live subscribers: a <c>sync:{scope}</c> frame with
/// <c>{"cursor": N}</c> to every session subscribed to that scope.
/// </summary>
internal sealed class LiveHub : IDisposable
{
    private readonly ISyncEngine _engine;
    private readonly ConcurrentDictionary<LiveSession, byte> _sessions = new();

    public LiveHub(ISyncEngine engine)
    {
        _engine = engine;
        _engine.LogAdvanced += OnLogAdvanced;
    }

    private readonly Dictionary<string, int> _perCaller = new(StringComparer.Ordinal);
    private int _reserved;

    public int SessionCount => _sessions.Count;

    /// <summary>Counts one more connection for <paramref name="caller"/>, unless a cap is reached.</summary>
    /// <returns>False (nothing counted) when the caller or the server is at its cap.</returns>
    public bool TryReserve(string caller, int perCaller, int total)
    {
        lock (_perCaller)
        {
            var held = _perCaller.GetValueOrDefault(caller);
            if (held >= perCaller || _reserved >= total)
            {
                return false;
            }

            _perCaller[caller] = held + 1;
            _reserved++;
            return true;
        }
    }

    /// <summary>Gives back a connection counted by <see cref="TryReserve"/>.</summary>
    public void Release(string caller)
    {
        lock (_perCaller)
        {
            _reserved--;
            if (_perCaller[caller] == 1)
            {
                _perCaller.Remove(caller);
            }
            else
            {
                _perCaller[caller]--;
            }
        }
    }

    public void Add(LiveSession session) => _sessions.TryAdd(session, 0);

    public void Remove(LiveSession session) => _sessions.TryRemove(session, out _);

    /// <summary>Closes every session (server shutdown): 1001, going away.</summary>
    public Task CloseAllAsync() =>
        Task.WhenAll(_sessions.Keys.Select(session => session.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "server shutting down")));

    public void Dispose() => _engine.LogAdvanced -= OnLogAdvanced;

    private void OnLogAdvanced(object? sender, LogAdvancedEventArgs e)
    {
        ReadOnlyMemory<byte>? frame = null;
        foreach (var session in _sessions.Keys)
        {
            if (session.IsSubscribed && session.Scope == e.Scope)
            {
                frame ??= Frame(e.Scope, e.Cursor);
                if (!session.TryEnqueue(frame.Value))
                {
                    _sessions.TryRemove(session, out _);
                }
            }
        }
    }

    private static byte[] Frame(string scope, ulong cursor)
    {
        var data = JsonSerializer.SerializeToElement(new LiveCursor { Cursor = cursor }, ProtocolJsonContext.Default.LiveCursor);
        return JsonSerializer.SerializeToUtf8Bytes(new LiveMessage { Topic = Scopes.Topic(scope), Data = data }, ProtocolJsonContext.Default.LiveMessage);
    }
}
