using System.Diagnostics;
using TodoSample;
using ViewSync.Client.IntegrationTests.Support;
using ViewSync.Persistence;
using ViewSync.Server.Tests.Support;
using ViewSync.Tests;

namespace ViewSync.Client.IntegrationTests;

/// <summary>SIGKILL a client process (it never flushes) while it has pending mutations; a restarted client pushes every returned one, exactly once.</summary>
public sealed class ClientCrashTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"viewsync-client-crash-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Every_durable_mutation_of_a_killed_client_reaches_the_server_exactly_once()
    {
        await using var server = await ServerHost.StartAsync();
        var baseUrl = new Uri(server.Root, "_sync/");
        var durable = new List<string>();
        var random = new Random(7);

        for (var round = 0; round < 4; round++)
        {
            var killAfter = random.Next(5, 40);
            using var child = Process.Start(new ProcessStartInfo("dotnet")
            {
                ArgumentList = { SiblingBuild.Dll("tests/ViewSync.Client.CrashHost", "ViewSync.Client.CrashHost"), baseUrl.ToString(), _directory, $"r{round}" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            child.BeginErrorReadLine();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var printed = 0;
            while (printed < killAfter && await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                durable.Add(line);
                printed++;
            }

            child.Kill(entireProcessTree: true); // SIGKILL, mid-flight
            await child.WaitForExitAsync(timeout.Token);
            Assert.Equal(killAfter, printed);
        }

        await using var restarted = new SyncClient(TodoDb.Mutators, new SyncClientOptions
        {
            BaseUrl = baseUrl,
            Scope = "crash",
            Persistence = new FilePersistence(_directory),
            PushInterval = TimeSpan.FromMilliseconds(50),
        });
        var rejected = 0;
        restarted.MutationRejected += (_, _) => Interlocked.Increment(ref rejected);
        await restarted.StartAsync();
        await Eventually.TrueAsync(() => restarted.PendingCount.Get() == 0, "the restarted client has pushed everything", TimeSpan.FromSeconds(60));

        var state = await server.Engine.SnapshotAsync("crash");
        var onServer = state.Data["todo"].Keys.ToHashSet();
        Assert.All(durable, id => Assert.Contains(id, onServer));
        Assert.Equal(0, Volatile.Read(ref rejected)); // a create applied twice would have been a conflict
        Assert.Equal((ulong)onServer.Count, state.Cursor); // one change per todo: nothing applied twice
        Assert.Equal(onServer.Order(), new TodoDb(restarted).Todos.Ids());
    }
}
