using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>Generated code for the places and forms a database can be declared in, against committed snapshots.</summary>
public class ShapeSnapshotTests
{
    private const string Entities = """
        using System.Text.Json.Serialization;
        using ViewSync;

        """;

    [Fact]
    public async Task Nested_in_partial_types_of_every_kind()
    {
        string[] sources = [Entities + """
            namespace Nested;
            [SyncEntity("note")] public sealed record Note(string Id, string Text);
            internal static class NoteMutators
            {
                [Mutator("note.edit")] public static void Edit(Outer.Middle.NotesDb.Tx tx, string id, string text) => tx.Notes.Put(new Note(id, text));
            }
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            public static partial class Outer
            {
                internal partial record struct Middle
                {
                    [SyncDatabase(typeof(AppJson))] internal sealed partial class NotesDb;
                }
            }
            """];

        await AssertSnapshotAsync(sources, "Nested.Outer.Middle.NotesDb.ViewSync.g.cs", "Nested");
    }

    [Fact]
    public async Task Internal_database_in_the_global_namespace()
    {
        string[] sources = [Entities + """
            [SyncEntity("note")] internal sealed record Note(string Id, string Text);
            internal static class NoteMutators
            {
                [Mutator("note.edit")] internal static void Edit(NotesDb.Tx tx, string id, string? text = null) => tx.Notes.Put(new Note(id, text ?? ""));
            }
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] internal partial class NotesDb;
            """];

        await AssertSnapshotAsync(sources, "NotesDb.ViewSync.g.cs", "GlobalInternal");
    }

    [Fact]
    public async Task Several_databases_in_one_assembly_each_with_its_own_entities_and_mutators()
    {
        string[] sources = [Entities + """
            namespace App.Shop
            {
                [SyncEntity("item")] public sealed record Item(string Id, decimal Price);
                public static class ShopMutators { [Mutator("item.reprice")] public static void Reprice(ShopDb.Tx tx, string id, decimal price) => tx.Items.Put(new Item(id, price)); }
                [JsonSerializable(typeof(Item))] internal partial class ShopJson : JsonSerializerContext;
                [SyncDatabase(typeof(ShopJson))] public partial class ShopDb;
            }
            namespace App.Blog
            {
                public enum Visibility { Draft, Public }
                [SyncEntity("post")] public sealed record Post(string Id, string Title, Visibility Visibility);
                public static class BlogMutators { [Mutator("post.publish")] public static void Publish(BlogDb.Tx tx, string id, Visibility? visibility) => tx.Posts.Put(tx.Posts.GetRequired(id) with { Visibility = visibility ?? Visibility.Public }); }
                [JsonSerializable(typeof(Post))] internal partial class BlogJson : JsonSerializerContext;
                [SyncDatabase(typeof(BlogJson))] public partial class BlogDb;
            }
            """];

        var generated = GeneratorHarness.Generated(sources);
        Assert.Equal(["App.Blog.BlogDb.ViewSync.g.cs", "App.Shop.ShopDb.ViewSync.g.cs"], generated.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("Item", generated["App.Blog.BlogDb.ViewSync.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("Post", generated["App.Shop.ShopDb.ViewSync.g.cs"], StringComparison.Ordinal);
        Snapshot.Match(generated["App.Blog.BlogDb.ViewSync.g.cs"], "SeveralDatabases.BlogDb");
        Snapshot.Match(generated["App.Shop.ShopDb.ViewSync.g.cs"], "SeveralDatabases.ShopDb");
        Assert.Empty(await GeneratorHarness.DiagnosticsAsync(sources));
    }

    [Fact]
    public async Task A_generic_containing_type_is_reported_and_generates_nothing()
    {
        string[] sources = [Entities + """
            namespace Generic;
            [SyncEntity("note")] public sealed record Note(string Id);
            [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
            public partial class Outer<T> { [SyncDatabase(typeof(AppJson))] public partial class NotesDb; }
            """];

        Assert.Empty(GeneratorHarness.Generated(sources));
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC015", sources);
        Assert.Contains("'Generic.Outer<T>.NotesDb' is generic or nested in a generic type", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_lookups_for_SyncIndex_properties()
    {
        string[] sources = [Entities + """
            namespace Boards;
            public enum Lane { Todo, Done }
            [SyncEntity("card")] public sealed record Card(string Id, [property: SyncIndex] string BoardId, [property: SyncIndex(MethodName = "InLane")] Lane Lane, string Text);
            [JsonSerializable(typeof(Card))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class BoardDb;
            """];

        await AssertSnapshotAsync(sources, "Boards.BoardDb.ViewSync.g.cs", "Indexes");
    }

    private static async Task AssertSnapshotAsync(string[] sources, string hintName, string snapshot)
    {
        var (hint, source) = Assert.Single(GeneratorHarness.Generated(sources));
        Assert.Equal(hintName, hint);
        Snapshot.Match(source, snapshot);
        Assert.Empty(await GeneratorHarness.DiagnosticsAsync(sources)); // and it compiles, warnings as errors
    }
}
