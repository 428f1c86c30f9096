using Microsoft.Extensions.Logging;
using ViewSync.Persistence;
using ViewSync.Protocol;
using ViewSync.Transport;

namespace ViewSync;

/// <summary>Settings of a <see cref="SyncClient"/>.</summary>
public sealed class SyncClientOptions
{
    /// <summary>The sync prefix, e.g. <c>http://127.0.0.1:5000/_sync/</c>. Required unless <see cref="Transport"/> is set.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The scope to sync. Defaults to <see cref="Scopes.Default"/>.</summary>
    public string Scope { get; set; } = Scopes.Default;

    /// <summary>The HTTP client to use (from <c>IHttpClientFactory</c>, say). When null one is created; its base address becomes <see cref="BaseUrl"/>.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Creates the HTTP client by name (<see cref="HttpClientName"/>), so handlers, lifetimes and policies come from DI. Used when <see cref="HttpClient"/> is null.</summary>
    public System.Net.Http.IHttpClientFactory? HttpClientFactory { get; set; }

    /// <summary>The named client to take from <see cref="HttpClientFactory"/>.</summary>
    public string HttpClientName { get; set; } = "ViewSync";

    /// <summary>
    /// Supplies the access token sent as <c>Authorization: Bearer {token}</c> on every push, pull and snapshot
    /// and on the live WebSocket handshake (a header, never the URL). Asked before each request, so it should
    /// return a cached token while it is valid; null sends no <c>Authorization</c> header. When the server
    /// answers <c>401</c> it is asked once more with <see cref="AccessTokenRequest.ForceRefresh"/> set and
    /// the request is sent again once; a second <c>401</c> ends the cycle as
    /// <see cref="SyncErrorKind.Unauthorized"/> (mutations stay queued) and a later cycle, after a backoff,
    /// asks again. An <see cref="HttpRequestException"/> from the provider counts as a network error; any
    /// other exception as <see cref="SyncErrorKind.Unauthorized"/>. Null (the default) sends no token.
    /// </summary>
    /// <remarks>
    /// <para>Used by the built-in HTTP transport (with <see cref="HttpClient"/>, <see cref="HttpClientFactory"/>
    /// or the client's own) and by the live connection; a custom <see cref="Transport"/> applies its own
    /// credentials.</para>
    /// <para><b>Browser (Blazor WebAssembly).</b> The browser's <c>fetch</c> sends the page's cookies on
    /// same-origin requests by default, and the client changes nothing about that: cookie authentication
    /// against the server the page came from works with or without a provider. A browser WebSocket cannot
    /// carry headers, so in the browser the live handshake is authenticated by those cookies alone and the
    /// provider's token is used for HTTP only (the Todo sample's sign-in also sets an <c>HttpOnly</c> cookie
    /// for that reason).</para>
    /// </remarks>
    public Func<AccessTokenRequest, CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>Replaces the HTTP transport entirely (fault injection, in-process simulation).</summary>
    public ISyncTransport? Transport { get; set; }

    /// <summary>Live notifications; null polls every <see cref="PullInterval"/> instead.</summary>
    public LiveOptions? Live { get; set; }

    /// <summary>Where the journal (queue, cursor and confirmed state) is kept. Defaults to memory (nothing survives a restart).</summary>
    public IPersistence? Persistence { get; set; }

    /// <summary>How the journal flushes and compacts; defaults when null.</summary>
    public JournalOptions? Journal { get; set; }

    /// <summary>The first retry delay after a failure; it doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often to pull without live notifications (with live, a safety-net poll runs at ten times this).</summary>
    public TimeSpan PullInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest answer the HTTP transport reads; larger ones are reported as malformed.</summary>
    public long MaxResponseBytes { get; set; } = RefitSyncTransport.DefaultMaxResponseBytes;

    /// <summary>Mutations per push (servers cap it at 100).</summary>
    public int PushBatchSize { get; set; } = PushRequest.MaxBatch;

    /// <summary>The default <see cref="MaxBatchBytes"/>: 1 MiB, the Go server's body limit.</summary>
    public const int DefaultMaxBatchBytes = 1024 * 1024;

    /// <summary>
    /// The largest push body, in bytes of JSON with its envelope. Batches are cut by count and by this size,
    /// and a single mutation that could never fit is refused by <c>Mutate</c> with a
    /// <see cref="Mutations.MutationTooLargeException"/> (nothing queued). Default: 1 MiB.
    /// </summary>
    public int MaxBatchBytes { get; set; } = DefaultMaxBatchBytes;

    /// <summary>Changes per pull page.</summary>
    public int PullLimit { get; set; } = PullRequest.DefaultLimit;

    /// <summary>The clock for retries and polling.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where to log.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Where remote changes are applied to the reactive graph, and where the status signals
    /// (<see cref="SyncClient.Online"/>, <see cref="SyncClient.LastError"/>, <see cref="SyncClient.LastSyncTime"/>)
    /// change. Set it to the UI thread's context (<c>SynchronizationContext.Current</c> on the UI thread) so
    /// effects bound to the UI see server changes there; the UI thread is recognised even when the framework
    /// installs a new context instance per operation (WPF). Null applies them on the sync loop's thread.
    /// </summary>
    public SynchronizationContext? SynchronizationContext { get; set; }

    /// <summary>
    /// Whether the client syncs by itself (a background loop, live notifications, retries). When false
    /// nothing happens until the app calls <see cref="SyncClient.SyncAsync"/>: sync on demand, and
    /// deterministic tests.
    /// </summary>
    public bool AutomaticSync { get; set; } = true;

    /// <summary>Random for retry jitter (seeded in simulations). Null uses <see cref="Random.Shared"/>.</summary>
    public Random? Random { get; set; }

    /// <summary>
    /// Where the client's meter comes from (<see cref="ViewSyncClientDiagnostics.MeterName"/>); <c>AddViewSync</c> sets
    /// the container's. Null uses one process-wide meter of that name.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }
}
