using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using ViewSync.Server.Engine;
using ViewSync.Server.Live;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Benchmarks.Server;

/// <summary>
/// What a log advance costs the pusher's thread: the hub's handler of <see cref="ISyncEngine.LogAdvanced"/>, for a
/// scope nobody follows, with 0 and with 10,000 sessions subscribed to other scopes. Far less noisy than the
/// end-to-end <see cref="LiveFanOutBenchmarks"/> on a busy machine; the two should be equal (an index look-up).
/// <c>dotnet run -c Release --project bench/ViewSync.Benchmarks -- --filter '*LiveHubAnnounce*'</c>
/// </summary>
[Config(typeof(BenchConfig))]
public class LiveHubAnnounceBenchmarks
{
    private const int Announcements = 1_000;
    private readonly AnnouncingEngine _none = new();
    private readonly AnnouncingEngine _idle = new();
    private LiveHub _noneHub = null!;
    private LiveHub _idleHub = null!;
    private readonly List<LiveSession> _sessions = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<LiveSession, byte> _walked = new();
    private ulong _cursor;

    [GlobalSetup]
    public void Setup()
    {
        _noneHub = new LiveHub(_none);
        _idleHub = new LiveHub(_idle);
        for (var i = 0; i < 10_000; i++)
        {
            var socket = WebSocket.CreateFromStream(new IdleStream(), isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
            var session = new LiveSession(socket, $"idle:{i}", capacity: 64);
            _idleHub.Add(session);
            _idleHub.Subscribe(session);
            _sessions.Add(session);
            _walked.TryAdd(session, 0);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Announcements, Description = "log advance, 0 live subscribers")]
    public void NoSubscribers()
    {
        for (var i = 0; i < Announcements; i++)
        {
            _none.Announce("user:bench", ++_cursor);
        }
    }

    [Benchmark(OperationsPerInvoke = Announcements, Description = "log advance, 10,000 subscribers on other scopes")]
    public void TenThousandIdleSubscribers()
    {
        for (var i = 0; i < Announcements; i++)
        {
            _idle.Announce("user:bench", ++_cursor);
        }
    }

    /// <summary>
    /// The hub before issue 14, for scale: every advance walked every session, synchronously in the push, looking for
    /// the scope's subscribers (the loop as it was, over the same 10,000 sessions).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Announcements, Description = "before: walk every session, 10,000 on other scopes")]
    public int WalkEverySession()
    {
        var found = 0;
        for (var i = 0; i < Announcements; i++)
        {
            const string scope = "user:bench";
            foreach (var session in _walked.Keys)
            {
                if (session.IsSubscribed && session.Scope == scope)
                {
                    found++;
                }
            }
        }

        return found;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _noneHub.Dispose();
        _idleHub.Dispose();
        foreach (var session in _sessions)
        {
            session.Abort();
            session.Dispose();
        }
    }
}
