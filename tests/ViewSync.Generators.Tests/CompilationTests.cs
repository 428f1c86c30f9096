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

    [Fact]
    public Task A_view_model_importing_both_System_Collections_ObjectModel_and_ViewSync_compiles() =>
        CompilationAssert.CompilesCleanlyAsync([.. TestSources.Todo, """
            using System.Collections.ObjectModel;
            using ViewSync;
            namespace TodoApp;
            /// <summary>An MVVM view model: ObjectModel's Collection and ViewSync's entity collection side by side.</summary>
            public sealed class TodoListViewModel(TodoDb db)
            {
                /// <summary>Names, in an ObjectModel collection.</summary>
                public Collection<string> Names { get; } = new();

                /// <summary>The todos.</summary>
                public EntityCollection<Todo> Todos => db.Todos;

                /// <summary>For binding.</summary>
                public ObservableCollection<Todo> Shown { get; } = new();
            }
            """]);
}
