using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

public class CompilationTests
{
    [Fact]
    public async Task Generated_code_compiles_without_any_diagnostic_even_with_documentation_checks()
    {
        var compilation = GeneratorHarness.Compile(TestSources.Todo);
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
        Assert.DoesNotContain(diagnostics, d => d.Location.SourceTree is { } tree && generatedTrees.Contains(tree));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS1591"); // the test input itself is undocumented
    }
}
