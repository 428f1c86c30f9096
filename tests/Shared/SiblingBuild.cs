namespace ViewSync.Tests;

/// <summary>Finds another project's build output in this test's configuration and framework, to run it as a child process.</summary>
internal static class SiblingBuild
{
    /// <summary>The path of <c>{project}/bin/{configuration}/{framework}/{assembly}.dll</c>.</summary>
    /// <param name="project">The project's folder from the repository root, e.g. <c>samples/Todo.Server</c>.</param>
    /// <param name="assembly">The assembly name, without <c>.dll</c>.</param>
    /// <exception cref="FileNotFoundException">It was not built (reference the project from the test project).</exception>
    public static string Dll(string project, string assembly)
    {
        // tests/<test project>/bin/<Configuration>/<tfm>/ → <project>/bin/<Configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, project, "bin", configuration, framework, $"{assembly}.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {project} first (the test project references it).", dll);
    }
}
