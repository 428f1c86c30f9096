using Microsoft.Extensions.Hosting;

namespace ViewSync.Hosting;

/// <summary>Starts the sync client with the host and stops it (flushing pending writes) when the host stops.</summary>
internal sealed class SyncClientHostedService(SyncClient client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => client.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => client.StopAsync(cancellationToken);
}
