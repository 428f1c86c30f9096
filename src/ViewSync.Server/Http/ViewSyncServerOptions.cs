using ViewSync.Mutators;
using ViewSync.Server.Engine;
using ViewSync.Server.Storage;

namespace ViewSync.Server.Http;

/// <summary>Settings of the ViewSync server (<c>services.AddViewSyncServer(o => ...)</c>).</summary>
public sealed class ViewSyncServerOptions
{
    /// <summary>The app's mutators, usually a generated database's <c>Mutators</c>.</summary>
    public MutatorTable Mutators { get; set; } = MutatorTable.Empty;

    /// <summary>Handles mutations the table does not know; see <see cref="SyncEngineOptions.RawApply"/>.</summary>
    public RawMutationHandler? RawApply { get; set; }

    /// <summary>
    /// Decides, for an authenticated caller, which scope a request may use: return the requested
    /// scope (or another one, e.g. <c>me</c> → <c>user:42</c>) to serve, or null to refuse (<c>403</c>,
    /// or <c>401</c> when the caller is not authenticated). Push, pull, snapshot and live all go through
    /// it. Set it with <see cref="ResolveScope(Func{ScopeAuthorizationContext, string})"/> or <see cref="ResolveScopeFromClaim"/>; with a resolver
    /// the endpoints require an authenticated user (<c>RequireAuthorization()</c>).
    /// </summary>
    /// <remarks>
    /// There is no default: mapping the endpoints with neither a resolver nor
    /// <see cref="AllowAnyScopeForDevelopment"/> fails at start-up.
    /// </remarks>
    public Func<ScopeAuthorizationContext, ValueTask<string?>>? ScopeResolver { get; set; }

    /// <summary>
    /// Whether every caller, anonymous included, may read and write every scope. For tests and local
    /// demos only: a warning is logged at every start. Set it with <see cref="AllowAnyScopeForDevelopment"/>.
    /// </summary>
    public bool AllowAnyScope { get; set; }

    /// <summary>
    /// Origins, besides the server's own, whose pages may open live connections (e.g.
    /// <c>https://app.example.com</c>). A WebSocket handshake whose <c>Origin</c> is neither is refused
    /// with <c>403</c>; a handshake without <c>Origin</c> (not from a browser) is not checked.
    /// </summary>
    public IList<string> LiveAllowedOrigins { get; } = [];

    /// <summary>The most live connections one caller (user, or address when anonymous) may hold at once; more are refused with <c>429</c>.</summary>
    public int MaxLiveConnectionsPerCaller { get; set; } = 16;

    /// <summary>The most live connections the server holds at once; more are refused with <c>429</c>.</summary>
    public int MaxLiveConnections { get; set; } = 10_000;

    /// <summary>
    /// How long a push, pull or snapshot body may take to arrive; a slower one is answered <c>408</c>.
    /// Kestrel's minimum data rate applies as well.
    /// </summary>
    public TimeSpan RequestBodyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Serves each authenticated caller the scopes <paramref name="resolver"/> grants it.</summary>
    /// <param name="resolver">The requested scope and the caller → the scope to serve, or null to refuse.</param>
    /// <returns>These options.</returns>
    public ViewSyncServerOptions ResolveScope(Func<ScopeAuthorizationContext, ValueTask<string?>> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ScopeResolver = resolver;
        return this;
    }

    /// <summary>Serves each authenticated caller the scopes <paramref name="resolver"/> grants it.</summary>
    /// <param name="resolver">The requested scope and the caller → the scope to serve, or null to refuse.</param>
    /// <returns>These options.</returns>
    public ViewSyncServerOptions ResolveScope(Func<ScopeAuthorizationContext, string?> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ScopeResolver = context => ValueTask.FromResult(resolver(context));
        return this;
    }

    /// <summary>
    /// The common case: each caller owns one scope, <c>{prefix}{value}</c>, where value is its claim
    /// <paramref name="claimType"/> (e.g. <c>sub</c> → <c>user:42</c>). A request for that scope or for
    /// <paramref name="alias"/> is served that scope; any other is refused, as is a caller without the claim.
    /// </summary>
    /// <param name="claimType">The claim that identifies the caller, e.g. <c>ClaimTypes.NameIdentifier</c> or <c>sub</c>.</param>
    /// <param name="prefix">Put before the claim's value to make the scope.</param>
    /// <param name="alias">A scope name that always means the caller's own; null for none.</param>
    /// <returns>These options.</returns>
    public ViewSyncServerOptions ResolveScopeFromClaim(string claimType, string prefix = "user:", string? alias = "me")
    {
        ArgumentException.ThrowIfNullOrEmpty(claimType);
        ArgumentNullException.ThrowIfNull(prefix);
        return ResolveScope(context =>
        {
            var value = context.User.FindFirst(claimType)?.Value;
            if (string.IsNullOrEmpty(value) || context.User.Identity?.IsAuthenticated != true)
            {
                return null;
            }

            var own = prefix + value;
            return string.Equals(context.ClaimedScope, own, StringComparison.Ordinal)
                || (alias is not null && string.Equals(context.ClaimedScope, alias, StringComparison.Ordinal))
                ? own
                : null;
        });
    }

    /// <summary>
    /// Lets anyone, without credentials, read and write any scope. Only for tests and local demos:
    /// a warning is logged at every start. A deployment uses <see cref="ResolveScope(Func{ScopeAuthorizationContext, string})"/> instead.
    /// </summary>
    /// <returns>These options.</returns>
    public ViewSyncServerOptions AllowAnyScopeForDevelopment()
    {
        AllowAnyScope = true;
        return this;
    }

    /// <summary>How long log entries are kept before trimming (clients further behind take a snapshot). Null keeps everything.</summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>How often trimming runs when <see cref="Retention"/> is set.</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many notifications may wait for one live subscriber before it is disconnected as too slow.</summary>
    public int LiveSendQueueCapacity { get; set; } = 64;

    /// <summary>How often live connections are pinged to keep them open and detect dead peers.</summary>
    public TimeSpan LiveKeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Creates the storage from the app's services (its logger factory, configuration, …); set with
    /// <see cref="UseSqlite"/>, <see cref="UseInMemory"/> or a storage package's <c>Use…</c>. Defaults to in-memory.
    /// </summary>
    public Func<IServiceProvider, ISyncStorage> StorageFactory { get; set; } = static _ => new InMemorySyncStorage();

    /// <summary>Keeps state, log and applied ids in a SQLite file.</summary>
    /// <param name="path">The database file; created when missing.</param>
    /// <param name="synchronous">How hard each commit waits for the disk.</param>
    /// <returns>These options.</returns>
    public ViewSyncServerOptions UseSqlite(string path, SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        StorageFactory = _ => SqliteSyncStorage.Open(path, new SqliteSyncStorageOptions { Synchronous = synchronous });
        return this;
    }

    /// <summary>Keeps everything in memory (lost when the process ends): for tests and demos.</summary>
    /// <returns>These options.</returns>
    public ViewSyncServerOptions UseInMemory()
    {
        StorageFactory = static _ => new InMemorySyncStorage();
        return this;
    }
}
