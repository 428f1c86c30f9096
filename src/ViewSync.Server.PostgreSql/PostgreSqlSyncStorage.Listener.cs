using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using ViewSync.Server.Engine;

namespace ViewSync.Server.PostgreSql;

/// <summary>The listening side of cross-node live notifications.</summary>
public sealed partial class PostgreSqlSyncStorage
{
    private static readonly TimeSpan FirstListenRetryDelay = TimeSpan.FromMilliseconds(100);

    // How long the listening connection may be silent before it is checked: a peer that vanished without
    // closing the socket would otherwise leave this node deaf until TCP gives up.
    private const int ListenKeepAliveMilliseconds = 15_000;

    /// <summary>Keeps one connection LISTENing; reconnects with exponential backoff (capped) when it fails.</summary>
    private async Task ListenAsync(CancellationToken stopping)
    {
        var delay = FirstListenRetryDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN \"{_channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }

                if (delay > FirstListenRetryDelay)
                {
                    LogListenerReconnected(_channel);
                }

                delay = FirstListenRetryDelay;
                _listening.TrySetResult();
                while (true)
                {
                    if (!await connection.WaitAsync(ListenKeepAliveMilliseconds, stopping).ConfigureAwait(false))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListenerFailed(e, _channel, delay);
                try
                {
                    await Task.Delay(delay, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxListenRetryDelay.Ticks));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        // Payload: node id, cursor, scope — one per line (the scope may hold anything but is last).
        var parts = e.Payload.Split('\n', 3);
        if (parts.Length != 3 || string.Equals(parts[0], _nodeId, StringComparison.Ordinal)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor))
        {
            return; // this node's own change (already announced by its engine) or not ours
        }

        RemoteLogAdvanced?.Invoke(this, new LogAdvancedEventArgs(parts[2], cursor));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other nodes' changes on channel {Channel} failed; retrying in {Delay}. Live clients of this node hear other nodes' changes only by polling meanwhile.")]
    private partial void LogListenerFailed(Exception exception, string channel, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for other nodes' changes on channel {Channel} again.")]
    private partial void LogListenerReconnected(string channel);
}
