using Microsoft.Extensions.Logging;
using ViewSync.Mutators;

namespace ViewSync.Server.Engine;

/// <summary>Settings of <see cref="SyncEngine"/>.</summary>
public sealed class SyncEngineOptions
{
    /// <summary>The app's mutators, usually a generated database's <c>Mutators</c>.</summary>
    public MutatorTable Mutators { get; set; } = MutatorTable.Empty;

    /// <summary>Handles mutations whose names the table does not know; when null they are rejected as <c>invalid_mutation</c>.</summary>
    public RawMutationHandler? RawApply { get; set; }

    /// <summary>How long log entries are kept; older ones may be trimmed (clients below them take a snapshot). Null keeps everything.</summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>The clock for change times and retention.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where to log; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The default <see cref="MaxPageBytes"/>: 4 MiB.</summary>
    public const long DefaultMaxPageBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The most entity bytes one pull page carries, besides the client's count limit; a page always holds at
    /// least one change, so a scope of large entities never needs one huge answer. Default: 4 MiB.
    /// </summary>
    public long MaxPageBytes { get; set; } = DefaultMaxPageBytes;

    /// <summary>
    /// Whether a push batch is applied in one storage transaction (one savepoint per mutation, answers after
    /// the single commit) rather than one transaction per mutation. Default: true. Turning it off is the
    /// per-mutation-commit path, kept for comparison in benchmarks.
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>The server's instruments when hosted by <c>AddViewSyncServer</c>; pull pages and trimming are measured here.</summary>
    internal Diagnostics.ServerMetrics? Metrics { get; set; }
}
