using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ViewSync.Generators.Diagnostics;

namespace ViewSync.Generators.Tests.Support;

/// <summary>Compiles C# with the ViewSync generator (and System.Text.Json's, as a real build runs both).</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = trusted
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(SyncEntityAttribute).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(ViewSync.Mutators.MutatorTable).Assembly.Location));
        return [.. references];
    });

    private static readonly Lazy<ISourceGenerator> s_jsonGenerator = new(() =>
    {
        // The JSON generator ships in the shared framework's reference pack, next to the runtime this test runs on.
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var version = Environment.Version;
        var path = Directory.EnumerateDirectories(Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref"), $"{version.Major}.*")
            .Select(dir => Path.Combine(dir, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll"))
            .Where(File.Exists)
            .OrderByDescending(p => p, StringComparer.Ordinal)
            .First();
        var assembly = Assembly.LoadFrom(path);
        var type = assembly.GetTypes().Single(t => t.Name == "JsonSourceGenerator");
        return ((IIncrementalGenerator)Activator.CreateInstance(type)!).AsSourceGenerator();
    });

    /// <summary>System.Text.Json's source generator, as the SDK runs it in every build.</summary>
    public static ISourceGenerator JsonGenerator => s_jsonGenerator.Value;

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "App",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            s_references.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error));

    public static GeneratorDriver CreateDriver(bool withJson = true)
    {
        ISourceGenerator[] generators = withJson
            ? [new ViewSyncGenerator().AsSourceGenerator(), s_jsonGenerator.Value]
            : [new ViewSyncGenerator().AsSourceGenerator()];
        return CSharpGeneratorDriver.Create(
            generators,
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>Runs the generators; returns the compilation with their output and the ViewSync generator's result.</summary>
    public static (Compilation Output, GeneratorRunResult Result) Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult().Results.Single(r => r.Generator.GetGeneratorType() == typeof(ViewSyncGenerator));
        return (output, result);
    }

    /// <summary>The generated sources of the ViewSync generator, by hint name.</summary>
    public static IReadOnlyDictionary<string, string> Generated(params string[] sources)
    {
        var (_, result) = Run(Compile(sources));
        Assert.Null(result.Exception);
        return result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
    }

    /// <summary>
    /// Every diagnostic a build would show, warnings included: the ViewSync generator's, the compiler's
    /// and ViewSync's analyzers'. Like a build, the analyzers are left out when the code does not compile.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(params string[] sources)
    {
        var (output, result) = Run(Compile(sources));
        Assert.Null(result.Exception);
        var compiler = output.GetDiagnostics();
        var analyzers = compiler.Any(d => d.Severity == DiagnosticSeverity.Error)
            ? compiler
            : await output.WithAnalyzers([new ViewSyncAnalyzer(), new DeterminismAnalyzer()]).GetAllDiagnosticsAsync();
        return [.. result.Diagnostics.Select(d => InSource(d, output)).Concat(analyzers).Where(d => d.Severity >= DiagnosticSeverity.Warning)];
    }

    /// <summary>
    /// The generator's diagnostics carry file locations (path and span, no syntax tree: see LocationInfo); a
    /// build prints them the same way. Tests map them back onto the tree to check what they point at.
    /// </summary>
    private static Diagnostic InSource(Diagnostic diagnostic, Compilation compilation)
    {
        var location = diagnostic.Location;
        if (location.Kind != LocationKind.ExternalFile ||
            compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == location.GetLineSpan().Path) is not { } tree)
        {
            return diagnostic;
        }

        Assert.Equal(location.GetLineSpan().Span, tree.GetLineSpan(location.SourceSpan).Span);
        var descriptor = diagnostic.Descriptor;
        var same = new DiagnosticDescriptor(descriptor.Id, descriptor.Title, "{0}", descriptor.Category, descriptor.DefaultSeverity, descriptor.IsEnabledByDefault, helpLinkUri: descriptor.HelpLinkUri);
        return Diagnostic.Create(same, Location.Create(tree, location.SourceSpan), diagnostic.GetMessage());
    }
}
