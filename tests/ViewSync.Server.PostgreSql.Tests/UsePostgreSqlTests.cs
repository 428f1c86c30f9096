using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ViewSync.Server.Engine;

namespace ViewSync.Server.PostgreSql.Tests;

/// <summary><c>AddViewSyncServer(o => o.UsePostgreSql(...))</c>, as an app registers it.</summary>
[Collection(PostgresTests.Name)]
public sealed class UsePostgreSqlTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_storage_logs_through_the_apps_logger_factory()
    {
        var schema = PostgresFixture.NewSchema();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddViewSyncServer(o => o.UsePostgreSql(postgres.ConnectionString, storage => storage.Schema = schema).AllowAnyScopeForDevelopment());
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<ISyncEngine>(); // opens the storage, which starts listening

        // Kill the listening connection: the storage warns (through the app's logging) and reconnects.
        var listen = $"""SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'LISTEN "{schema}_changes"'""";
        await WaitUntilAsync(async () => (long)(await postgres.ScalarAsync(listen))! == 1);
        await WaitUntilAsync(() => Task.FromResult(logs.Entries.Any(e => e.Category == typeof(PostgreSqlSyncStorage).FullName && e.Level == LogLevel.Warning)));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(50);
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
