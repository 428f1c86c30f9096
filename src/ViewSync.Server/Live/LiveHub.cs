using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ViewSync.Protocol;
using ViewSync.Server.Diagnostics;
using ViewSync.Server.Engine;

namespace ViewSync.Server.Live;

/// <summary>
/// Fans the engine's log advances out to live subscribers: a <c>sync:{scope}</c> frame with
/// <c>{"cursor": N}</c> to every session subscribed to that scope.
/// </summary>
/// <remarks>
/// <para><b>Indexed by scope.</b> Subscribed sessions are kept per scope, so a log advance costs one
/// dictionary look-up however many sessions follow other scopes.</para>
/// <para><b>Off the push path.</b> A log advance only records (scope → highest cursor) in
/// <see cref="_pending"/> and wakes one background loop, which builds each frame once and queues it to the
/// scope's sessions. Cursors of a scope only grow and a notification only says "pull up to here", so
/// coalescing several advances into the highest is lossless. <see cref="_pending"/> holds at most one entry
/// per subscribed scope, so it is bounded by the number of live connections. No session is sent a lower
/// cursor of a scope after a higher one, even when two pushes announce out of order.</para>
/// </remarks>
internal sealed partial class LiveHub : IDisposable, IAsyncDisposable
{
    private readonly ISyncEngine _engine;
    private readonly ILogger _logger;
    private readonly ServerMetrics? _metrics;

    /// <summary>Every open connection, subscribed or not (for the cap, shutdown and the session count).</summary>
    private readonly ConcurrentDictionary<LiveSession, byte> _sessions = new();

    /// <summary>Subscribed sessions by scope. Entries are replaced (copy on write) under <see cref="_indexLock"/>, read without it.</summary>
    private readonly ConcurrentDictionary<string, ScopeSubscribers> _index = new(StringComparer.Ordinal);
    private readonly Lock _indexLock = new();

    /// <summary>Scope → highest announced cursor not yet fanned out. Swapped with <see cref="_draining"/> by the loop.</summary>
    private Dictionary<string, ulong> _pending = new(StringComparer.Ordinal);
    private Dictionary<string, ulong> _draining = new(StringComparer.Ordinal);
    private readonly Lock _pendingLock = new();

    /// <summary>Wakes the fan-out loop; one slot, so a burst of advances is one wake-up.</summary>
    private readonly Channel<byte> _wake = Channel.CreateBounded<byte>(new BoundedChannelOptions(1)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly Task _loop;
    private readonly Dictionary<string, int> _perCaller = new(StringComparer.Ordinal);
    private int _reserved;

    /// <summary>Creates the hub and starts its fan-out loop.</summary>
    /// <param name="engine">Whose log advances are announced.</param>
    /// <param name="logger">Where a failure of the fan-out loop is reported.</param>
    /// <param name="metrics">Counts open sessions; null when hosted without them (tests).</param>
    public LiveHub(ISyncEngine engine, ILogger<LiveHub>? logger = null, ServerMetrics? metrics = null)
    {
        _engine = engine;
        _metrics = metrics;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _loop = Task.Run(FanOutLoopAsync);
        _engine.LogAdvanced += OnLogAdvanced;
    }

    /// <summary>Open live connections.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Scopes with at least one subscribed session.</summary>
    public int SubscribedScopeCount => _index.Count;

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

    /// <summary>Registers an open connection; it hears nothing until it subscribes.</summary>
    public void Add(LiveSession session)
    {
        if (_sessions.TryAdd(session, 0))
        {
            _metrics?.LiveSessions.Add(1);
        }
    }

    /// <summary>Forgets a connection that ended, and its subscription.</summary>
    public void Remove(LiveSession session)
    {
        Unsubscribe(session);
        if (_sessions.TryRemove(session, out _))
        {
            _metrics?.LiveSessions.Add(-1);
        }
    }

    /// <summary>Subscribes <paramref name="session"/> to its own <see cref="LiveSession.Scope"/>.</summary>
    public void Subscribe(LiveSession session) => Subscribe(session, session.Scope);

    /// <summary>
    /// Subscribes <paramref name="session"/> to <paramref name="scope"/>, leaving the scope it followed before
    /// (a session follows one scope at a time). Subscribing again to the same scope changes nothing.
    /// </summary>
    public void Subscribe(LiveSession session, string scope)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(scope);
        lock (_indexLock)
        {
            if (session.SubscribedScope is { } current)
            {
                if (string.Equals(current, scope, StringComparison.Ordinal))
                {
                    return;
                }

                RemoveFromIndex(session, current);
            }

            var sessions = _index.TryGetValue(scope, out var existing) ? existing.Sessions : [];
            _index[scope] = new ScopeSubscribers([.. sessions, session]);
            session.SubscribedScope = scope;
        }
    }

    /// <summary>
    /// Tells <paramref name="session"/> to pull once now (a <c>sync:{scope}</c> frame with cursor 0), without touching
    /// the last cursor it was sent. For a client that has just subscribed: its catch-up pull, sent right after its
    /// <c>subscribe</c>, may have been served before the subscription, and a commit between the two would otherwise
    /// reach it only at its next poll. Cursor 0 because the hub does not know the scope's head, and a notification
    /// only says "pull" (the client asks the server where to pull to).
    /// </summary>
    public void RequestCatchUp(LiveSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.SubscribedScope is { } scope && !session.TryEnqueue(Frame(scope, 0)))
        {
            Remove(session);
        }
    }

    /// <summary>Stops notifying <paramref name="session"/>; it stays connected and may subscribe again.</summary>
    public void Unsubscribe(LiveSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_indexLock)
        {
            if (session.SubscribedScope is { } current)
            {
                RemoveFromIndex(session, current);
                session.SubscribedScope = null;
            }
        }
    }

    /// <summary>The sessions subscribed to <paramref name="scope"/> now (for tests and diagnostics).</summary>
    public IReadOnlyList<LiveSession> SubscribersOf(string scope) =>
        _index.TryGetValue(scope, out var subscribers) ? subscribers.Sessions : [];

    /// <summary>Closes every session (server shutdown): 1001, going away.</summary>
    public Task CloseAllAsync() =>
        Task.WhenAll(_sessions.Keys.Select(session => session.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "server shutting down")));

    /// <summary>Stops listening to the engine, fans out what is still pending, and ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _engine.LogAdvanced -= OnLogAdvanced;
        _wake.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        _engine.LogAdvanced -= OnLogAdvanced;
        _wake.Writer.TryComplete();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    /// <summary>On the pusher's thread: one look-up, and for a followed scope a max under a short lock.</summary>
    private void OnLogAdvanced(object? sender, LogAdvancedEventArgs e)
    {
        if (!_index.ContainsKey(e.Scope))
        {
            return; // nobody follows it; a later subscriber pulls when it connects
        }

        lock (_pendingLock)
        {
            ref var cursor = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pending, e.Scope, out _);
            cursor = Math.Max(cursor, e.Cursor);
        }

        _wake.Writer.TryWrite(0);
    }

    private async Task FanOutLoopAsync()
    {
        var reader = _wake.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                reader.TryRead(out _);
                FanOut();
            }

            FanOut(); // what was announced before shutdown
        }
        catch (Exception e)
        {
            // A bug here must not take the process down; notifications are advisory (clients poll too).
            LogFanOutFailed(e);
        }
    }

    private void FanOut()
    {
        lock (_pendingLock)
        {
            (_pending, _draining) = (_draining, _pending);
        }

        foreach (var (scope, cursor) in _draining)
        {
            if (!_index.TryGetValue(scope, out var subscribers))
            {
                continue; // everyone unsubscribed meanwhile
            }

            byte[]? frame = null;
            foreach (var session in subscribers.Sessions)
            {
                // A session that moved to another scope meanwhile no longer hears this one, and no session
                // hears a scope's cursor go backwards (two pushes may announce out of order).
                if (!string.Equals(session.SubscribedScope, scope, StringComparison.Ordinal) || !session.AdvanceSent(scope, cursor))
                {
                    continue;
                }

                frame ??= Frame(scope, cursor);
                if (!session.TryEnqueue(frame))
                {
                    // Too far behind: aborted by TryEnqueue; its endpoint removes it as well.
                    Remove(session);
                }
            }
        }

        _draining.Clear();
    }

    private void RemoveFromIndex(LiveSession session, string scope)
    {
        if (!_index.TryGetValue(scope, out var existing))
        {
            return;
        }

        var remaining = Array.FindAll(existing.Sessions, s => !ReferenceEquals(s, session));
        if (remaining.Length == 0)
        {
            _index.TryRemove(scope, out _);
        }
        else if (remaining.Length != existing.Sessions.Length)
        {
            _index[scope] = new ScopeSubscribers(remaining);
        }
    }

    private static byte[] Frame(string scope, ulong cursor)
    {
        var data = JsonSerializer.SerializeToElement(new LiveCursor { Cursor = cursor }, ProtocolJsonContext.Default.LiveCursor);
        return JsonSerializer.SerializeToUtf8Bytes(new LiveMessage { Topic = Scopes.Topic(scope), Data = data }, ProtocolJsonContext.Default.LiveMessage);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The live fan-out loop failed; live notifications stop until restart (clients keep polling)")]
    private partial void LogFanOutFailed(Exception exception);

    /// <summary>One scope's subscribers; never mutated, replaced whole.</summary>
    private sealed record ScopeSubscribers(LiveSession[] Sessions);
}
