using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

public class CompilationTests
{
    [Fact]
    public Task Generated_code_compiles_without_any_diagnostic_even_with_documentation_checks() =>
        AssertCompilesCleanlyAsync(TestSources.Todo);

    [Fact]
    public Task Wire_names_with_xml_and_string_special_characters_are_escaped() =>
        AssertCompilesCleanlyAsync("""
            using System.Text.Json.Serialization;
            using ViewSync;
            namespace Odd;
            [SyncEntity("a<b&\"c")] public sealed record Thing(string Id);
            public static class M { [Mutator("x&y<\"z\">")] public static void Do(OddDb.Tx tx, string id) { } }
            [JsonSerializable(typeof(Thing))] internal partial class OddJson : JsonSerializerContext;
            [SyncDatabase(typeof(OddJson))] public partial class OddDb;
            """);

    private static async Task AssertCompilesCleanlyAsync(params string[] sources)
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
        Assert.DoesNotContain(diagnostics, d => d.Location.SourceTree is { } tree && generatedTrees.Contains(tree));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS1591"); // the test input itself is undocumented
    }
}
