using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ViewSync.Server.Engine;
using ViewSync.Server.Http;

namespace ViewSync.Server;

/// <summary>Trims the log every <see cref="ViewSyncServerOptions.TrimInterval"/> when a retention is configured.</summary>
internal sealed partial class RetentionService(ISyncEngine engine, IOptions<ViewSyncServerOptions> options, TimeProvider timeProvider, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Retention is null || engine is not SyncEngine syncEngine)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.TrimInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var removed = await syncEngine.TrimAsync(stoppingToken).ConfigureAwait(false);
                LogTrimmed(removed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTrimFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trimmed {Count} log entries")]
    private partial void LogTrimmed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trimming the log failed; retrying at the next interval")]
    private partial void LogTrimFailed(Exception exception);
}
