using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

public class CompilationTests
{
    [Fact]
    public Task Generated_code_compiles_without_any_diagnostic_even_with_documentation_checks() =>
        CompilationAssert.CompilesCleanlyAsync(TestSources.Todo);

    [Fact]
    public Task Wire_names_with_xml_and_string_special_characters_are_escaped() =>
        CompilationAssert.CompilesCleanlyAsync("""
            using System.Text.Json.Serialization;
            using ViewSync;
            namespace Odd;
            [SyncEntity("a<b&\"c")] public sealed record Thing(string Id);
            public static class M { [Mutator("x&y<\"z\">")] public static void Do(OddDb.Tx tx, string id) { } }
            [JsonSerializable(typeof(Thing))] internal partial class OddJson : JsonSerializerContext;
            [SyncDatabase(typeof(OddJson))] public partial class OddDb;
            """);
}
