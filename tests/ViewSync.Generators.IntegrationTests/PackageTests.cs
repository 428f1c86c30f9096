using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace ViewSync.Generators.IntegrationTests;

/// <summary>
/// The packed <c>ViewSync</c> package, used as a new user would: a fresh console project references it
/// from a local folder feed, declares an entity and a mutator, builds and runs. Offline: the only
/// sources are that feed and the machine's package cache.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"viewsync-package-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task A_fresh_project_using_the_package_builds_and_runs()
    {
        var repository = RepositoryRoot();
        var feed = Path.Combine(_root, "feed");
        var app = Path.Combine(_root, "app");
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        // A separate artifacts path keeps this pack from touching the repository's own bin/ and obj/.
        await RunAsync(repository, null, "pack", Path.Combine(repository, "src", "ViewSync.Runtime"), "-c", "Release", "-o", feed, "--artifacts-path", Path.Combine(_root, "artifacts"));
        Directory.CreateDirectory(app);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="viewsync" value="{feed}" />
                <add key="cache" value="{cache}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <JsonSerializerIsReflectionEnabledByDefault>false</JsonSerializerIsReflectionEnabledByDefault>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ViewSync" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Text.Json.Serialization;
            using ViewSync;

            var db = new NotesDb();
            using var view = new Effect(() => Console.WriteLine($"notes: {db.Notes.Count()}"));
            db.Notes.Create(new Note("n1", "hello"));
            db.Mutate.Shout("n1");
            Console.WriteLine($"text: {db.Notes.Get("n1").Get()!.Text}");

            [SyncEntity("note")]
            public sealed record Note(string Id, string Text);

            public static class NoteMutators
            {
                [Mutator("note.shout")]
                public static void Shout(NotesDb.Tx tx, string id) => tx.Notes.Put(tx.Notes.GetRequired(id) with { Text = tx.Notes.GetRequired(id).Text.ToUpperInvariant() });
            }

            [JsonSerializable(typeof(Note))]
            internal partial class NotesJson : JsonSerializerContext;

            [SyncDatabase(typeof(NotesJson))]
            public partial class NotesDb;
            """);
        // Directory.Build.props of this repository must not leak into the fresh project.
        await File.WriteAllTextAsync(Path.Combine(_root, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_root, "Directory.Packages.props"), "<Project />");

        // A fresh package cache, so the package just packed is the one used (not an older 0.1.0).
        var output = await RunAsync(app, Path.Combine(_root, "packages"), "run", "--project", app, "-c", "Release");

        Assert.Contains("notes: 0", output, StringComparison.Ordinal);
        Assert.Contains("notes: 1", output, StringComparison.Ordinal);
        Assert.Contains("text: HELLO", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ViewSync.Server", "lib/net10.0/ViewSync.Server.dll")]
    [InlineData("ViewSync.Browser", "staticwebassets/viewsync-browser.js")]
    public async Task The_server_and_browser_packages_carry_their_assets_docs_and_metadata(string project, string asset)
    {
        var feed = Path.Combine(_root, "feed");
        await RunAsync(RepositoryRoot(), null, "pack", Path.Combine(RepositoryRoot(), "src", project), "-c", "Release", "-o", feed, "--artifacts-path", Path.Combine(_root, "artifacts"));

        using var package = ZipFile.OpenRead(Path.Combine(feed, $"{project}.0.1.0.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains(asset, entries);
        Assert.Contains($"lib/net10.0/{project}.dll", entries);
        Assert.Contains($"lib/net10.0/{project}.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.True(File.Exists(Path.Combine(feed, $"{project}.0.1.0.snupkg")), "symbols package");

        using var reader = new StreamReader(package.GetEntry($"{project}.nuspec")!.Open());
        var nuspec = XDocument.Parse(await reader.ReadToEndAsync()).Root!;
        XNamespace ns = nuspec.Name.NamespaceName;
        var metadata = nuspec.Element(ns + "metadata")!;
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.NotNull(metadata.Element(ns + "repository")?.Attribute("url"));
        var viewSync = Assert.Single(metadata.Descendants(ns + "dependency"), d => (string?)d.Attribute("id") == "ViewSync");
        Assert.DoesNotContain("Analyzers", (string?)viewSync.Attribute("exclude") ?? "", StringComparison.OrdinalIgnoreCase); // the generator flows on
    }

    private static async Task<string> RunAsync(string directory, string? packageCache, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        if (packageCache is not null)
        {
            info.Environment["NUGET_PACKAGES"] = packageCache;
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var text = await output + await error;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{text}");
        return text;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ViewSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (ViewSync.sln) was not found above the test assembly.");
    }
}
