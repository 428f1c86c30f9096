using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Server.Tests.Diagnostics;

/// <summary><c>AddHealthChecks().AddViewSyncStorage()</c> on the real server, over HTTP at <c>/healthz</c>.</summary>
public sealed class StorageHealthCheckTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("viewsync-health-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private Task<ServerHost> StartAsync(string path) => ServerHost.StartAsync(
        o => o.UseSqlite(path),
        services: s => s.AddHealthChecks().AddViewSyncStorage(),
        map: app => app.MapHealthChecks("/healthz"));

    private static async Task<(int Status, string Body)> HealthAsync(ServerHost server)
    {
        using var http = new HttpClient { BaseAddress = server.Root };
        using var response = await http.GetAsync("healthz");
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthy_while_the_database_answers()
    {
        await using var server = await StartAsync(Path.Combine(_directory, "db", "sync.db"));
        await server.PostAsync("push", """{"mutations":[{"id":"m1","name":"todo.create","scope":"user:1","args":{"id":"a","data":{"id":"a","title":"x","done":false}}}]}""");

        Assert.Equal((200, "Healthy"), await HealthAsync(server));
        var report = await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = report.Entries[ViewSyncHealthChecksBuilderExtensions.StorageCheckName];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(1UL, entry.Data["log_head"]);
    }

    [Fact]
    public async Task Unhealthy_once_the_database_is_gone()
    {
        var folder = Path.Combine(_directory, "db");
        await using var server = await StartAsync(Path.Combine(folder, "sync.db"));
        Assert.Equal(200, (await HealthAsync(server)).Status);

        Directory.Delete(folder, recursive: true); // the volume went away under the server
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // and pooled connections no longer hold the old file open

        var (status, body) = await HealthAsync(server);
        Assert.Equal((503, "Unhealthy"), (status, body));
        var entry = (await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[ViewSyncHealthChecksBuilderExtensions.StorageCheckName];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("storage failed a read", entry.Description, StringComparison.Ordinal);
        Assert.NotNull(entry.Exception);
    }
}
