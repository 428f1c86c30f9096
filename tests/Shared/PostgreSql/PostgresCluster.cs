using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ViewSync.Tests.PostgreSql;

/// <summary>
/// A throwaway PostgreSQL cluster: <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on a free loopback port
/// (listening on 127.0.0.1 only, its unix socket in the same folder), stopped and deleted on dispose.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so when the tests run as root the server binaries run as the Debian
/// <c>postgres</c> user (through <c>runuser</c>) and the folder is handed to it.
/// </remarks>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private readonly bool _asPostgresUser;

    private PostgresCluster(string bin, string directory, bool asPostgresUser, int port)
    {
        _bin = bin;
        _directory = directory;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>A connection string for the <c>postgres</c> database as the superuser.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=30;Command Timeout=60;Maximum Pool Size=50";

    /// <summary>Creates and starts a cluster.</summary>
    /// <param name="durable">Whether commits wait for the disk (<c>fsync</c>); off makes tests faster and changes no semantics they check.</param>
    public static async Task<PostgresCluster> StartAsync(bool durable = false)
    {
        var bin = FindBinaries();
        var directory = Path.Combine(Path.GetTempPath(), $"viewsync-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var asPostgresUser = Environment.UserName == "root";
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", directory], asUser: null);
        }

        var data = Path.Combine(directory, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asPostgresUser ? "postgres" : null);
        var port = FreePort();
        var settings = $"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c max_connections=300 -c shared_buffers=32MB"
            + (durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(directory, "server.log"), "-o", settings, "-w", "-t", "60", "start"], asPostgresUser ? "postgres" : null);
        return new PostgresCluster(bin, directory, asPostgresUser, port);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], _asPostgresUser ? "postgres" : null);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Where <c>initdb</c> and <c>pg_ctl</c> are: on PATH, or Debian's <c>/usr/lib/postgresql/{version}/bin</c>.</summary>
    private static string FindBinaries()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")))
            {
                return folder;
            }
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var folder in Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal))
            {
                var bin = Path.Combine(folder, "bin");
                if (File.Exists(Path.Combine(bin, "initdb")))
                {
                    return bin;
                }
            }
        }

        throw new InvalidOperationException("PostgreSQL's initdb and pg_ctl were not found on PATH or in /usr/lib/postgresql/*/bin. Install it: apt-get install -y postgresql (.ci/run does).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, string? asUser)
    {
        var start = new ProcessStartInfo(asUser is null ? file : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asUser is not null)
        {
            foreach (var argument in (string[])["-u", asUser, "--", file])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
