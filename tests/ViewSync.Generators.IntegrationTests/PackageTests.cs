using System.Diagnostics;
using System.Runtime.InteropServices;
using System.IO.Compression;
using System.Xml.Linq;

namespace ViewSync.Generators.IntegrationTests;

/// <summary>
/// The packages exactly as the README makes them (<c>dotnet pack -c Release</c> at the repository root,
/// in a copy of the repository so that this run leaves its bin/ and obj/ alone), then used as a new user
/// would: a fresh Kanban app outside the repository references <c>ViewSync</c> from a local folder feed,
/// builds with warnings as errors, is published with Native AOT and runs. Offline: the only sources are
/// that feed and the machine's package cache.
/// </summary>
public sealed class PackageTests : IDisposable
{
    /// <summary>The command the README gives under "Packages".</summary>
    private static readonly string[] ReadmePackCommand = ["pack", "-c", "Release"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"viewsync-package-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task The_readme_pack_command_makes_the_packages_and_a_fresh_kanban_app_publishes_with_native_aot_and_runs()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));
        Assert.Contains($"`dotnet {string.Join(' ', ReadmePackCommand)}` makes `ViewSync`", readme, StringComparison.Ordinal);

        var copy = CopyRepository(Path.Combine(_root, "repo"));
        var packOutput = await RunAsync(copy, null, TimeSpan.FromMinutes(15), ReadmePackCommand);
        Assert.DoesNotContain(": warning ", packOutput, StringComparison.Ordinal);

        var feed = Path.Combine(_root, "feed");
        Directory.CreateDirectory(feed);
        foreach (var project in new[] { "ViewSync.Runtime", "ViewSync.Server", "ViewSync.Browser" })
        {
            foreach (var package in Directory.EnumerateFiles(Path.Combine(copy, "src", project, "bin", "Release"), "*.*nupkg"))
            {
                File.Copy(package, Path.Combine(feed, Path.GetFileName(package)));
            }
        }

        await AssertViewSyncPackageAsync(feed);
        await AssertLibraryPackageAsync(feed, "ViewSync.Server", "lib/net10.0/ViewSync.Server.dll");
        await AssertLibraryPackageAsync(feed, "ViewSync.Browser", "staticwebassets/viewsync-browser.js");

        var output = await PublishAndRunKanbanAppAsync(feed);

        Assert.Equal(
            [
                "cards: 0",
                "cards: 1",
                "cards: 2",
                "c1 | Write docs | Doing | Intro [outline, draft] | docs, v1 | created 2026-01-02T03:04:05.0000000+00:00 | moved 2026-01-02T04:04:05.0000000+00:00",
                "c2 | Ship | Todo | no body | no tags | created 2026-01-02T03:04:05.0000000+00:00 | not moved",
                "json: {\"id\":\"c1\",\"boardId\":\"b1\",\"title\":\"Write docs\",\"column\":\"Doing\",\"body\":{\"text\":\"Intro\",\"checklist\":[\"outline\",\"draft\"]},\"tags\":[\"docs\",\"v1\"],\"created\":\"2026-01-02T03:04:05+00:00\",\"moved\":\"2026-01-02T04:04:05+00:00\"}",
                "board b1: Roadmap (ideas, later) no description, 2 cards",
                "rejected: invalid_mutation",
            ],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Runtime and attributes (with their XML docs) in lib/, the generator in analyzers/, no dependency on the attributes.</summary>
    private static async Task AssertViewSyncPackageAsync(string feed)
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed, "ViewSync.0.1.0.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/ViewSync.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/ViewSync.Runtime.xml", entries);
        Assert.Contains("lib/net10.0/ViewSync.Attributes.dll", entries);
        Assert.Contains("lib/net10.0/ViewSync.Attributes.xml", entries);
        Assert.Contains("analyzers/dotnet/roslyn4.14/cs/ViewSync.Generators.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.True(File.Exists(Path.Combine(feed, "ViewSync.0.1.0.snupkg")), "symbols package");

        // The attributes' docs are the ones IntelliSense shows for [SyncEntity], [Mutator] and [SyncDatabase].
        using (var reader = new StreamReader(package.GetEntry("lib/net10.0/ViewSync.Attributes.xml")!.Open()))
        {
            var members = XDocument.Parse(await reader.ReadToEndAsync()).Descendants("member").Select(m => (string?)m.Attribute("name")).ToList();
            Assert.Contains("T:ViewSync.SyncEntityAttribute", members);
            Assert.Contains("T:ViewSync.MutatorAttribute", members);
            Assert.Contains("T:ViewSync.SyncDatabaseAttribute", members);
        }

        var metadata = await NuspecMetadataAsync(package, "ViewSync");
        XNamespace ns = metadata.Name.NamespaceName;
        Assert.DoesNotContain(metadata.Descendants(ns + "dependency"), d => ((string?)d.Attribute("id"))?.StartsWith("ViewSync", StringComparison.Ordinal) == true);
    }

    /// <summary>The server and browser packages: their assets, docs, metadata, and a dependency on ViewSync that lets the generator flow on.</summary>
    private static async Task AssertLibraryPackageAsync(string feed, string project, string asset)
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed, $"{project}.0.1.0.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains(asset, entries);
        Assert.Contains($"lib/net10.0/{project}.dll", entries);
        Assert.Contains($"lib/net10.0/{project}.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.True(File.Exists(Path.Combine(feed, $"{project}.0.1.0.snupkg")), "symbols package");

        var metadata = await NuspecMetadataAsync(package, project);
        XNamespace ns = metadata.Name.NamespaceName;
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.NotNull(metadata.Element(ns + "repository")?.Attribute("url"));
        var viewSync = Assert.Single(metadata.Descendants(ns + "dependency"), d => (string?)d.Attribute("id") == "ViewSync");
        Assert.DoesNotContain("Analyzers", (string?)viewSync.Attribute("exclude") ?? "", StringComparison.OrdinalIgnoreCase); // the generator flows on
    }

    private static async Task<XElement> NuspecMetadataAsync(ZipArchive package, string id)
    {
        using var reader = new StreamReader(package.GetEntry($"{id}.nuspec")!.Open());
        var nuspec = XDocument.Parse(await reader.ReadToEndAsync()).Root!;
        XNamespace ns = nuspec.Name.NamespaceName;
        return nuspec.Element(ns + "metadata")!;
    }

    /// <summary>Writes the Kanban app next to the feed (outside the repository), publishes it with Native AOT and runs the binary.</summary>
    private async Task<string> PublishAndRunKanbanAppAsync(string feed)
    {
        var app = Path.Combine(_root, "app");
        Directory.CreateDirectory(app);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // ViewSync's packages come only from the feed just packed; everything else (the runtime packs and the
        // ILCompiler a Native AOT publish needs, which a fresh machine has not downloaded yet) from the machine's
        // package cache or the package sources the machine is configured with.
        var machineSources = (await RunAsync(app, null, TimeSpan.FromMinutes(1), "nuget", "list", "source", "--format", "short"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select((line, i) => (Key: $"machine{i}", Url: line[2..].Trim()))
            .ToList();
        var others = new[] { (Key: "cache", Url: cache) }.Concat(machineSources).ToList();
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="viewsync" value="{feed}" />
            {string.Concat(others.Select(s => $"    <add key=\"{s.Key}\" value=\"{s.Url}\" />\n"))}  </packageSources>
              <packageSourceMapping>
                <packageSource key="viewsync">
                  <package pattern="ViewSync" />
                  <package pattern="ViewSync.*" />
                </packageSource>
            {string.Concat(others.Select(s => $"    <packageSource key=\"{s.Key}\"><package pattern=\"*\" /></packageSource>\n"))}  </packageSourceMapping>
            </configuration>
            """);
        foreach (var (name, text) in KanbanApp.Files)
        {
            await File.WriteAllTextAsync(Path.Combine(app, name), text);
        }

        // Nothing of this repository's build setup may leak into the fresh project.
        await File.WriteAllTextAsync(Path.Combine(_root, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_root, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_root, "Directory.Packages.props"), "<Project />");

        // A fresh package cache, so the package just packed is the one used (not an older 0.1.0).
        var output = Path.Combine(app, "out");
        var publish = await RunAsync(app, Path.Combine(_root, "packages"), TimeSpan.FromMinutes(15),
            "publish", app, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true", "-o", output);
        Assert.DoesNotContain(": warning ", publish, StringComparison.Ordinal); // trim and AOT analysis included

        var binary = Path.Combine(output, OperatingSystem.IsWindows() ? "KanbanApp.exe" : "KanbanApp");
        Assert.True(File.Exists(binary), $"no native binary at {binary}:\n{publish}");
        Assert.False(File.Exists(Path.Combine(output, "KanbanApp.dll")), "published as IL, not native code");
        return await RunProcessAsync(binary, app, [], null, TimeSpan.FromMinutes(1), stdoutOnly: true);
    }

    /// <summary>A copy of the repository's files (tracked and untracked, without what .gitignore excludes, such as bin/ and obj/).</summary>
    private static string CopyRepository(string destination)
    {
        var repository = RepositoryRoot();
        var info = new ProcessStartInfo("git") { WorkingDirectory = repository, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "ls-files", "-z", "--cached", "--others", "--exclude-standard" })
        {
            info.ArgumentList.Add(argument);
        }

        using var git = Process.Start(info)!;
        var files = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        Assert.True(git.ExitCode == 0 && files.Length > 0, "git ls-files failed: the package test copies the repository's files as git sees them");
        foreach (var file in files)
        {
            var source = Path.Combine(repository, file);
            if (!File.Exists(source))
            {
                continue; // deleted in the working tree
            }

            var target = Path.Combine(destination, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        return destination;
    }

    private static Task<string> RunAsync(string directory, string? packageCache, TimeSpan timeout, params string[] arguments) =>
        RunProcessAsync("dotnet", directory, arguments, packageCache, timeout, stdoutOnly: false);

    private static async Task<string> RunProcessAsync(string fileName, string directory, string[] arguments, string? packageCache, TimeSpan timeout, bool stdoutOnly)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
        await process.WaitForExitAsync().WaitAsync(timeout);
        var text = await output;
        var all = text + await error;
        Assert.True(process.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{all}");
        return stdoutOnly ? text : all;
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
