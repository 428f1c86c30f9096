using Microsoft.CodeAnalysis;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>One test per diagnostic: the bad input, the id, and a message that says how to fix it.</summary>
public class DiagnosticTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using ViewSync;

        """;

    [Fact]
    public async Task Valid_input_has_no_diagnostics()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(TestSources.Todo);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task VSYNC001_database_not_partial()
    {
        var diagnostic = await SingleAsync("VSYNC001", Usings + """
            [SyncEntity("note")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public class NotesDb;
            """);

        Assert.Contains("'NotesDb' must be declared 'partial'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC002_entity_without_string_key()
    {
        var diagnostic = await SingleAsync("VSYNC002", Usings + """
            [SyncEntity("note")] public sealed record Note(int Id, string Text);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            """);

        Assert.Contains("needs a public, readable 'string Id' property", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("Key = ", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC002_respects_a_custom_key()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + """
            [SyncEntity("note", Key = "Slug")] public sealed record Note(string Slug, string Text);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task VSYNC003_two_entities_with_the_same_name()
    {
        var diagnostic = await SingleAsync("VSYNC003", Usings + """
            [SyncEntity("note")] public sealed record Note(string Id);
            [SyncEntity("note")] public sealed record Memo(string Id);
            [JsonSerializable(typeof(Note))] [JsonSerializable(typeof(Memo))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            """);

        Assert.Contains("'note' is used by both 'Memo' and 'Note'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC004_two_mutators_with_the_same_name()
    {
        var diagnostic = await SingleAsync("VSYNC004", Usings + """
            [SyncEntity("note")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class A { [Mutator("note.touch")] public static void Touch(NotesDb.Tx tx, string id) { } }
            public static class B { [Mutator("note.touch")] public static void Poke(NotesDb.Tx tx, string id) { } }
            """);

        Assert.Contains("'note.touch' is used by both 'A.Touch' and 'B.Poke'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC004_a_mutator_named_like_a_built_in_entity_mutator()
    {
        var diagnostic = await SingleAsync("VSYNC004", Usings + """
            [SyncEntity("note")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class A { [Mutator("note.create")] public static void Create(NotesDb.Tx tx, string id) { } }
            """);

        Assert.Contains("built-in", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC005_mutator_not_static()
    {
        await SingleAsync("VSYNC005", Usings + """
            [SyncEntity("note")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public class A { [Mutator("note.touch")] public void Touch(NotesDb.Tx tx, string id) { } }
            """);
    }

    [Fact]
    public async Task VSYNC006_mutator_generic()
    {
        await SingleAsync("VSYNC006", Usings + """
            [SyncEntity("note")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class A { [Mutator("note.touch")] public static void Touch<T>(NotesDb.Tx tx, T id) { } }
            """);
    }

    [Theory]
    [InlineData("ref")]
    [InlineData("out")]
    [InlineData("in")]
    public async Task VSYNC007_mutator_with_by_reference_parameters(string modifier)
    {
        var body = modifier == "out" ? "{ id = \"\"; }" : "{ }";
        var diagnostic = await SingleAsync("VSYNC007", Usings + $$"""
            [SyncEntity("note")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class A { [Mutator("note.touch")] public static void Touch(NotesDb.Tx tx, {{modifier}} string id) {{body}} }
            """);

        Assert.Contains("Parameter 'id'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC008_first_parameter_not_the_database_tx()
    {
        var diagnostic = await SingleAsync("VSYNC008", Usings + """
            [SyncEntity("note")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class A { [Mutator("note.touch")] public static void Touch(string id) { } }
            """);

        Assert.Contains("must be the database's transaction", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC009_entity_missing_from_the_json_context()
    {
        var diagnostic = await SingleAsync("VSYNC009", Usings + """
            namespace Notes;
            [SyncEntity("note")] public sealed record Note(string Id);
            [SyncEntity("tag")] public sealed record Tag(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            """);

        Assert.Contains("add [JsonSerializable(typeof(global::Notes.Tag))] to 'AppJson'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC010_parameter_type_missing_from_the_json_context()
    {
        var diagnostic = await SingleAsync("VSYNC010", Usings + """
            namespace Notes;
            public sealed record Color(int R, int G, int B);
            [SyncEntity("note")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class A { [Mutator("note.paint")] public static void Paint(NotesDb.Tx tx, string id, Color color) { } }
            """);

        Assert.Contains("add [JsonSerializable(typeof(global::Notes.Color))] to 'AppJson'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC010_is_quiet_for_types_the_context_reaches_through_an_entity()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + """
            namespace Notes;
            [SyncEntity("note")] public sealed record Note(string Id, IReadOnlyList<string> Tags);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class A { [Mutator("note.tag")] public static void Tag(NotesDb.Tx tx, string id, IReadOnlyList<string> tags) { } }
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task VSYNC011_entity_that_matches_no_single_database()
    {
        var diagnostic = await SingleAsync("VSYNC011", Usings + """
            namespace Shop
            {
                [SyncEntity("item")] public sealed record Item(string Id);
                [JsonSerializable(typeof(Item))] internal partial class ShopJson : JsonSerializerContext;
                [SyncDatabase(typeof(ShopJson))] public partial class ShopDb;
                [SyncDatabase(typeof(ShopJson))] public partial class OtherDb;
            }
            """);

        Assert.Contains("Entity 'Item' belongs to no single [SyncDatabase]", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC011_is_quiet_when_each_database_has_its_own_namespace()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + """
            namespace Shop
            {
                [SyncEntity("item")] public sealed record Item(string Id);
                [JsonSerializable(typeof(Item))] internal partial class ShopJson : JsonSerializerContext;
                [SyncDatabase(typeof(ShopJson))] public partial class ShopDb;
            }
            namespace Blog
            {
                [SyncEntity("post")] public sealed record Post(string Id);
                [JsonSerializable(typeof(Post))] internal partial class BlogJson : JsonSerializerContext;
                [SyncDatabase(typeof(BlogJson))] public partial class BlogDb;
            }
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task VSYNC012_json_context_that_is_not_a_context()
    {
        var diagnostic = await SingleAsync("VSYNC012", Usings + """
            [SyncEntity("note")] public sealed record Note(string Id);
            public class NotAContext { }
            [SyncDatabase(typeof(NotAContext))] public partial class NotesDb;
            """);

        Assert.Contains("is not a System.Text.Json JsonSerializerContext", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VSYNC013_blank_names()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + """
            [SyncEntity(" ")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class A { [Mutator("")] public static void Touch(NotesDb.Tx tx, string id) { } }
            """);

        Assert.Equal(2, diagnostics.Count(d => d.Id == "VSYNC013"));
    }

    [Fact]
    public void Every_descriptor_has_a_help_link_a_unique_id_is_in_the_release_file_and_in_the_docs()
    {
        var descriptors = ViewSync.Generators.Diagnostics.DiagnosticDescriptors.All;
        var releases = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "AnalyzerReleases.Unshipped.md"));
        var docs = File.ReadAllText(Path.Combine(Snapshot.ProjectDirectory, "..", "..", "docs", "diagnostics.md"));

        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
        Assert.Equal(22, descriptors.Count);
        Assert.All(descriptors, d =>
        {
            Assert.StartsWith("https://", d.HelpLinkUri, StringComparison.Ordinal);
            Assert.Contains(d.Id.ToLowerInvariant(), d.HelpLinkUri, StringComparison.Ordinal);
            Assert.Contains($"{d.Id} | ViewSync | {d.DefaultSeverity} |", releases, StringComparison.Ordinal);
            Assert.Contains($"## {d.Id}", docs, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_analyzers_and_the_generator_report_every_descriptor_between_them_and_none_twice()
    {
        var analyzed = new ViewSync.Generators.Diagnostics.ViewSyncAnalyzer().SupportedDiagnostics
            .Concat(new ViewSync.Generators.Diagnostics.DeterminismAnalyzer().SupportedDiagnostics)
            .Select(d => d.Id).ToList();
        string[] generated = ["VSYNC001", "VSYNC012", "VSYNC014", "VSYNC015", "VSYNC016", "VSYNC018", "VSYNC019"];

        Assert.Equal(analyzed.Count, analyzed.Distinct().Count());
        Assert.Empty(analyzed.Intersect(generated));
        Assert.Equal(
            ViewSync.Generators.Diagnostics.DiagnosticDescriptors.All.Select(d => d.Id).Order(),
            analyzed.Concat(generated).Order());
    }

    private static Task<Diagnostic> SingleAsync(string id, string source) => DiagnosticAssert.SingleAsync(id, source);
}
