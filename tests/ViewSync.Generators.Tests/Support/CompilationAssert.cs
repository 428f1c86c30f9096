using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ViewSync.Generators.Tests.Support;

/// <summary>Compiles sources with the generators, documentation checks on and warnings as errors.</summary>
internal static class CompilationAssert
{
    /// <summary>Asserts that the generated file has no diagnostic at all and that the whole compilation has no error but missing docs on the test input.</summary>
    public static async Task CompilesCleanlyAsync(params string[] sources)
    {
        var compilation = GeneratorHarness.Compile(sources);
        var documented = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions([]))
            .RemoveAllSyntaxTrees()
            .AddSyntaxTrees(compilation.SyntaxTrees.Select(t => t.WithRootAndOptions(t.GetRoot(), GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose))));

        var driver = CSharpGeneratorDriver.Create(
            [new ViewSyncGenerator().AsSourceGenerator(), GeneratorHarness.JsonGenerator],
            parseOptions: GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose));
        driver.RunGeneratorsAndUpdateCompilation(documented, out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        var generatedTrees = output.SyntaxTrees.Where(t => t.FilePath.Contains("ViewSync.g.cs", StringComparison.Ordinal)).ToList();
        Assert.Single(generatedTrees);
        var diagnostics = (await Task.Run(() => output.GetDiagnostics())).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(!diagnostics.Any(d => d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)),
            string.Join("\n", diagnostics.Select(d => d.ToString())) + "\n" + generatedTrees[0]);
        Assert.True(!diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS1591"), // the test input itself is undocumented
            string.Join("\n", diagnostics.Select(d => d.ToString())));
    }
}
