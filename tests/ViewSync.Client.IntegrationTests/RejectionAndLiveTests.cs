using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Mutators;
using ViewSync.Server;
using ViewSync.Server.Engine;
using ViewSync.Server.Tests.Support;

namespace ViewSync.Client.IntegrationTests;

public sealed class RejectionAndLiveTests
{
    [Fact]
    public async Task A_mutation_the_server_refuses_as_invalid_is_rolled_back_reported_once_and_never_retried()
    {
        // This server does not know todo.rename: a deployment mismatch the client must survive.
        var serverTable = new MutatorTable.Builder().AddEntity(TodoDb.EntityTypes.Todo).Build();
        await using var server = await ServerHost.StartAsync(mutators: serverTable);
        await using var client = Clients.Create(server, live: false, configure: o => o.AutomaticSync = false);
        var rejected = new List<MutationRejectedEventArgs>();
        var errors = new List<SyncError>();
        client.MutationRejected += (_, e) => rejected.Add(e);
        client.Error += (_, e) => errors.Add(e.Error);
        await client.StartAsync();
        var db = client.Db();
        db.Todos.Create(new Todo("a", "Milk", false));
        var rename = db.Mutate.Rename("a", "Oat milk");
        Assert.Equal("Oat milk", db.Todos.Get("a").Get()!.Title); // optimistic

        await client.SyncAsync();
        await client.SyncAsync();

        var rejection = Assert.Single(rejected);
        Assert.Equal(rename.Id, rejection.Mutation.Id);
        Assert.Equal(ErrorCodes.InvalidMutation, rejection.Code);
        Assert.Contains("Unknown mutator 'todo.rename'", rejection.Error, StringComparison.Ordinal);
        Assert.Equal("Milk", db.Todos.Get("a").Get()!.Title); // rolled back
        Assert.Equal(0, client.PendingCount.Get());
        var error = Assert.Single(errors);
        Assert.Equal(SyncErrorKind.MutationRejected, error.Kind);
        Assert.Equal(rename.Id, error.Mutation!.Id); // the error event carries the failing mutation
    }

    [Theory]
    [InlineData(ServerKind.ViewSync, false)]
    [InlineData(ServerKind.Strict, true)]
    [InlineData(ServerKind.Strict, false)]
    public async Task A_live_notification_makes_a_client_pull_at_once(ServerKind kind, bool dataAsString)
    {
        await using var server = await TestServers.StartAsync(kind);
        if (server is StrictServer strict)
        {
            strict.LiveDataAsString = dataAsString;
        }

        await using var a = Clients.Create(server);
        await using var b = Clients.Create(server, configure: o => o.PullInterval = TimeSpan.FromHours(1)); // only live can make B pull in time
        await a.StartAsync();
        await b.StartAsync();
        await Eventually.TrueAsync(() => a.LastSyncTime.Get() is not null && b.LastSyncTime.Get() is not null, "both have synced once");

        // B may still be connecting: A keeps writing until B has seen one, then B must catch up on all.
        var written = 0;
        await Eventually.TrueAsync(() =>
        {
            if (b.Db().Todos.All().Count > 0)
            {
                return true;
            }

            a.Db().Todos.Create(new Todo($"t{written++}", "from A", false));
            return false;
        }, "B pulled once its live connection was up");

        // Now B's live connection is up, and nothing but a notification makes it pull again.
        a.Db().Todos.Create(new Todo("last", "from A", false));
        await Eventually.TrueAsync(() => b.Db().Todos.Get("last").Exists(), "B pulled after a live notification");
        await Eventually.TrueAsync(() => a.PendingCount.Get() == 0 && b.Db().Todos.All().Count == written + 1, "B has every todo A wrote");
        server.AssertNothingRefused();
    }

    [Fact]
    public async Task Live_notifications_whose_data_is_a_json_string_trigger_a_pull()
    {
        // A server in the Go engine's style: the live data is a JSON string holding {"cursor": N}.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddViewSyncServer(o => o.AllowAnyScopeForDevelopment().Mutators = TodoDb.Mutators);
        await using var app = builder.Build();
        app.UseWebSockets();
        app.MapViewSync("/_sync");
        var engine = app.Services.GetRequiredService<ISyncEngine>();
        app.Map("/_live", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var signal = new SemaphoreSlim(0);
            ulong cursor = 0;
            void OnAdvanced(object? sender, LogAdvancedEventArgs e)
            {
                cursor = e.Cursor;
                signal.Release();
            }

            engine.LogAdvanced += OnAdvanced;
            try
            {
                while (socket.State == WebSocketState.Open && !context.RequestAborted.IsCancellationRequested)
                {
                    await signal.WaitAsync(context.RequestAborted);
                    var frame = $$"""{"topic":"sync:user:1","data":"{\"cursor\": {{cursor}}}"}""";
                    await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                engine.LogAdvanced -= OnAdvanced;
            }
        });
        var root = await app.StartOnLoopbackAsync();

        SyncClient Client() => new(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = new Uri(root, "_sync/"),
            Scope = "user:1",
            Live = new LiveOptions { ReconnectDelay = TimeSpan.FromMilliseconds(100) },
            PullInterval = TimeSpan.FromHours(1), // only a live notification can make B pull in time
        });
        await using var a = Client();
        await using var b = Client();
        await a.StartAsync();
        await b.StartAsync();
        await Eventually.TrueAsync(() => b.LastSyncTime.Get() is not null, "B has synced once");

        new TodoDb(a).Todos.Create(new Todo("t", "from A", false));

        await Eventually.TrueAsync(() => new TodoDb(b).Todos.Get("t").Exists(), "B pulled after a string-data notification");
    }

    [Fact]
    public async Task The_http_client_can_come_from_IHttpClientFactory_by_name()
    {
        await using var server = await ServerHost.StartAsync();
        var services = new ServiceCollection();
        var handlerUsed = 0;
        services.AddHttpClient("todo-sync", http => http.BaseAddress = new Uri(server.Root, "_sync/"))
            .AddHttpMessageHandler(() => new CountingHandler(() => Interlocked.Increment(ref handlerUsed)));
        await using var provider = services.BuildServiceProvider();
        await using var client = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            HttpClientFactory = provider.GetRequiredService<IHttpClientFactory>(),
            HttpClientName = "todo-sync",
            AutomaticSync = false,
        });
        await client.StartAsync();

        client.Db().Todos.Create(new Todo("a", "x", false));
        await client.SyncAsync();

        Assert.Equal(0, client.PendingCount.Get());
        Assert.True(Volatile.Read(ref handlerUsed) >= 2, "requests went through the factory's pipeline");
    }

}
