using Microsoft.CodeAnalysis;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>
/// Mistakes the generator reports itself: the user's code stops compiling when it makes them, and a
/// build with compiler errors runs no analyzers, so these must appear next to the compiler's errors.
/// </summary>
public class GeneratorDiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Text.Json.Serialization;
        using ViewSync;

        """;

    private const string Notes = """
        [SyncEntity("note")] public sealed record Note(string Id, string Text);
        [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;

        """;

    [Fact]
    public async Task VSYNC001_is_reported_even_when_mutators_using_Tx_do_not_compile()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + Notes + """
            [SyncDatabase(typeof(AppJson))] public class NotesDb;
            public static class M { [Mutator("note.touch")] public static void Touch(NotesDb.Tx tx, string id) { } }
            """);

        Assert.Contains(diagnostics, d => d.Id == "CS0426"); // 'Tx' does not exist: the compiler's error stays
        var diagnostic = Assert.Single(diagnostics, d => d.Id.StartsWith("VSYNC", StringComparison.Ordinal));
        Assert.Equal("VSYNC001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("'NotesDb' must be declared 'partial' (and so must any type that contains it) so that ViewSync can generate its collections and mutators", diagnostic.GetMessage());
        DiagnosticAssert.At(diagnostic, "NotesDb", "public class NotesDb");
    }

    [Fact]
    public async Task VSYNC001_for_a_containing_type_that_is_not_partial()
    {
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC001", Usings + Notes + """
            public static class Outer { [SyncDatabase(typeof(AppJson))] public partial class NotesDb; }
            """);

        DiagnosticAssert.At(diagnostic, "NotesDb", "partial class NotesDb");
    }

    [Fact]
    public async Task VSYNC012_is_reported_even_though_the_generated_code_would_not_compile()
    {
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC012", Usings + """
            [SyncEntity("note")] public sealed record Note(string Id);
            public class NotAContext { }
            [SyncDatabase(typeof(NotAContext))] public partial class NotesDb;
            public static class M { [Mutator("note.touch")] public static void Touch(NotesDb.Tx tx, string id) { } }
            """);

        Assert.Contains("'NotAContext' is not a System.Text.Json JsonSerializerContext", diagnostic.GetMessage(), StringComparison.Ordinal);
        DiagnosticAssert.At(diagnostic, "NotesDb", "partial class NotesDb");
    }

    [Theory]
    [InlineData("Stream", "is a stream of bytes, not a value")]
    [InlineData("MemoryStream", "is a stream of bytes, not a value")]
    [InlineData("Action<string>", "is a delegate (code, not data)")]
    [InlineData("Func<int>", "is a delegate (code, not data)")]
    [InlineData("object", "is 'object', whose JSON shape is unknown at build time")]
    [InlineData("object?", "is 'object', whose JSON shape is unknown at build time")]
    [InlineData("dynamic", "is 'dynamic'")]
    [InlineData("Span<byte>", "is a ref struct")]
    [InlineData("ReadOnlySpan<char>", "is a ref struct")]
    [InlineData("int*", "is a pointer")]
    [InlineData("IntPtr", "is a native-sized pointer or integer")]
    [InlineData("Type", "is runtime reflection metadata")]
    [InlineData("System.Threading.CancellationToken", "is a local cancellation signal")]
    [InlineData("System.Threading.Tasks.Task<int>", "is a pending operation")]
    public async Task VSYNC014_parameter_types_that_can_never_be_json(string type, string reason)
    {
        var unsafeModifier = type.EndsWith('*') ? "unsafe " : "";
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + Notes + $$"""
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class M { [Mutator("note.attach")] public static {{unsafeModifier}}void Attach(NotesDb.Tx tx, string id, {{type}} payload) { } }
            """);

        // No VSYNC010 telling the user to add [JsonSerializable(typeof(Stream))]: that could never work.
        var diagnostic = Assert.Single(diagnostics, d => d.Id.StartsWith("VSYNC", StringComparison.Ordinal) || d.Id.StartsWith("CS", StringComparison.Ordinal) && d.Id != "CS0227");
        Assert.Equal("VSYNC014", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var message = diagnostic.GetMessage();
        Assert.StartsWith("Parameter 'payload' of mutator 'M.Attach' has type '", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.Contains("a [JsonSerializable] attribute would not help", message, StringComparison.Ordinal);
        DiagnosticAssert.At(diagnostic, "payload", "Attach(");
    }

    [Theory]
    [InlineData("List<Stream>", "holds a 'System.IO.Stream' as a type argument of 'System.Collections.Generic.List<System.IO.Stream>', which is a stream of bytes")]
    [InlineData("Stream[]", "holds a 'System.IO.Stream' as its elements, which is a stream of bytes")]
    [InlineData("Dictionary<string, object>", "holds a 'object' as a type argument of 'System.Collections.Generic.Dictionary<string, object>', which is 'object'")]
    [InlineData("Attachment", "holds a 'System.IO.Stream' in property 'Attachment.Body', which is a stream of bytes")]
    [InlineData("Envelope", "holds a 'Attachment' in property 'Envelope.Inner', which holds a 'System.IO.Stream' in property 'Attachment.Body'")]
    [InlineData("List<Envelope>?", "which holds a 'System.IO.Stream' in property 'Attachment.Body'")]
    [InlineData("Derived", "holds a 'System.Action' in property 'Base.Callback', which is a delegate")]
    public async Task VSYNC014_types_that_hold_what_can_never_be_json(string type, string reason)
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + Notes + $$"""
            public sealed record Attachment(string Name, Stream Body);
            public sealed record Envelope(Attachment Inner);
            public class Base { public Action? Callback { get; set; } }
            public sealed class Derived : Base { public string Name { get; set; } = ""; }
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class M { [Mutator("note.attach")] public static void Attach(NotesDb.Tx tx, string id, {{type}} payload) { } }
            """);

        // One error that names what inside the type is the problem, instead of VSYNC010 asking for [JsonSerializable].
        var diagnostic = Assert.Single(diagnostics, d => d.Id.StartsWith("VSYNC", StringComparison.Ordinal) || d.Id.StartsWith("CS", StringComparison.Ordinal));
        Assert.Equal("VSYNC014", diagnostic.Id);
        Assert.Contains(reason, diagnostic.GetMessage(), StringComparison.Ordinal);
        DiagnosticAssert.At(diagnostic, "payload", "Attach(");
    }

    [Fact]
    public async Task VSYNC014_ignores_what_json_ignores()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + Notes + """
            public sealed record Attachment(string Name)
            {
                [JsonIgnore] public Stream? Cached { get; init; }
                public static Stream? Shared { get; set; }
            }
            [JsonSerializable(typeof(Attachment))] internal partial class AppJson;
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class M { [Mutator("note.attach")] public static void Attach(NotesDb.Tx tx, string id, Attachment payload) { } }
            """);

        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("VSYNC", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VSYNC014_leaves_the_other_mutators_generated()
    {
        var generated = GeneratorHarness.Generated(Usings + Notes + """
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class M
            {
                [Mutator("note.attach")] public static void Attach(NotesDb.Tx tx, string id, Stream payload) { }
                [Mutator("note.touch")] public static void Touch(NotesDb.Tx tx, string id) { }
            }
            """);

        var source = Assert.Single(generated).Value;
        Assert.Contains("public global::ViewSync.MutationResult Touch(string id)", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Attach", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public static partial class Outer<T> { [SyncDatabase(typeof(AppJson))] public partial class NotesDb; }", "Outer<T>.NotesDb")]
    [InlineData("[SyncDatabase(typeof(AppJson))] public partial class NotesDb<T>;", "NotesDb<T>")]
    public async Task VSYNC015_database_that_is_generic_or_in_a_generic_type(string declaration, string display)
    {
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC015", Usings + Notes + declaration);

        Assert.Equal($"'{display}' is generic or nested in a generic type: a database's mutator table and transaction type must be one fixed type, so declare it in a namespace or in a non-generic type", diagnostic.GetMessage());
        DiagnosticAssert.At(diagnostic, "NotesDb", "NotesDb");
    }

    [Fact]
    public async Task VSYNC018_two_mutator_classes_with_the_same_method_name()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + Notes + """
            [SyncDatabase(typeof(AppJson))] public partial class NotesDb;
            public static class NoteMutators { [Mutator("note.rename")] public static void Rename(NotesDb.Tx tx, string id, string text) { } }
            public static class BoardMutators { [Mutator("board.rename")] public static void Rename(NotesDb.Tx tx, string id, string name) { } }
            public static class App { public static void Use(NotesDb db) => db.Mutate.Rename("n1", "x"); }
            """);

        Assert.Contains(diagnostics, d => d.Id == "CS1061"); // the call no longer binds: the compiler's error stays
        var diagnostic = Assert.Single(diagnostics, d => d.Id.StartsWith("VSYNC", StringComparison.Ordinal));
        Assert.Equal("VSYNC018", diagnostic.Id);
        Assert.Equal(
            "Mutators 'BoardMutators.Rename' and 'NoteMutators.Rename' of database 'NotesDb' would both be 'Mutate.Rename': the typed helper takes the mutator method's name, so rename one of the methods",
            diagnostic.GetMessage());
        DiagnosticAssert.At(diagnostic, "Rename", "class NoteMutators");
    }

    [Fact]
    public async Task VSYNC018_is_quiet_for_the_same_method_name_in_two_databases()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + """
            namespace A { [SyncEntity("a")] public sealed record Item(string Id); [JsonSerializable(typeof(Item))] internal partial class AJson : JsonSerializerContext; [SyncDatabase(typeof(AJson))] public partial class ADb; public static class M { [Mutator("a.touch")] public static void Touch(ADb.Tx tx, string id) { } } }
            namespace B { [SyncEntity("b")] public sealed record Item(string Id); [JsonSerializable(typeof(Item))] internal partial class BJson : JsonSerializerContext; [SyncDatabase(typeof(BJson))] public partial class BDb; public static class M { [Mutator("b.touch")] public static void Touch(BDb.Tx tx, string id) { } } }
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task VSYNC019_two_entity_types_with_the_same_name_in_different_namespaces()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + """
            namespace Kanban
            {
                [JsonSerializable(typeof(Kanban.Work.Card))] [JsonSerializable(typeof(Kanban.Games.Card))] internal partial class KanbanJson : JsonSerializerContext;
                [SyncDatabase(typeof(KanbanJson))] public partial class KanbanDb;
                public static class M { [Mutator("card.touch")] public static void Touch(KanbanDb.Tx tx, string id) => tx.Cards.Put(tx.Cards.GetRequired(id) with { Title = "x" }); }
            }
            namespace Kanban.Work { [SyncEntity("card")] public sealed record Card(string Id, string Title); }
            namespace Kanban.Games { [SyncEntity("playing-card")] public sealed record Card(string Id, int Rank); }
            """);

        var diagnostic = Assert.Single(diagnostics, d => d.Id.StartsWith("VSYNC", StringComparison.Ordinal));
        Assert.Equal("VSYNC019", diagnostic.Id);
        Assert.Equal(
            "Entities 'Kanban.Work.Card' and 'Kanban.Games.Card' would both be the collection 'Cards' of database 'KanbanDb': give one another name with [SyncEntity(\"playing-card\", CollectionName = \"...\")] or rename the type",
            diagnostic.GetMessage());
        DiagnosticAssert.At(diagnostic, "Card", "playing-card");
    }

    [Fact]
    public async Task VSYNC019_is_quiet_once_one_has_its_own_collection_name()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + """
            namespace Kanban
            {
                [JsonSerializable(typeof(Kanban.Work.Card))] [JsonSerializable(typeof(Kanban.Games.Card))] internal partial class KanbanJson : JsonSerializerContext;
                [SyncDatabase(typeof(KanbanJson))] public partial class KanbanDb;
            }
            namespace Kanban.Work { [SyncEntity("card")] public sealed record Card(string Id, string Title); }
            namespace Kanban.Games { [SyncEntity("playing-card", CollectionName = "PlayingCards")] public sealed record Card(string Id, int Rank); }
            """);

        Assert.Empty(diagnostics);
        var source = Assert.Single(GeneratorHarness.Generated(Usings + """
            namespace Kanban
            {
                [JsonSerializable(typeof(Kanban.Work.Card))] [JsonSerializable(typeof(Kanban.Games.Card))] internal partial class KanbanJson : JsonSerializerContext;
                [SyncDatabase(typeof(KanbanJson))] public partial class KanbanDb;
            }
            namespace Kanban.Work { [SyncEntity("card")] public sealed record Card(string Id, string Title); }
            namespace Kanban.Games { [SyncEntity("playing-card", CollectionName = "PlayingCards")] public sealed record Card(string Id, int Rank); }
            """)).Value;
        Assert.Contains("global::ViewSync.EntityCollection<global::Kanban.Work.Card> Cards", source, StringComparison.Ordinal);
        Assert.Contains("global::ViewSync.EntityCollection<global::Kanban.Games.Card> PlayingCards", source, StringComparison.Ordinal);
    }
}
