using Microsoft.CodeAnalysis;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>VSYNC021: entities are shared by every reader, so their collections must not be changeable in place.</summary>
public class MutableCollectionTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Text.Json.Serialization;
        using ViewSync;

        """;

    [Theory]
    [InlineData("List<string>")]
    [InlineData("List<string>?")]
    [InlineData("string[]")]
    [InlineData("Dictionary<string, int>")]
    [InlineData("HashSet<string>")]
    [InlineData("IList<string>")]
    [InlineData("ICollection<string>")]
    [InlineData("System.Collections.ObjectModel.ObservableCollection<string>")]
    public async Task A_mutable_collection_property_gets_a_warning(string type)
    {
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC021", Usings + $$"""
            [SyncEntity("card")] public sealed record Card(string Id, {{type}} Tags);
            [JsonSerializable(typeof(Card))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class KanbanDb;
            """);

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.DefaultSeverity); // an error here: the harness, like the repository, treats warnings as errors
        var message = diagnostic.GetMessage();
        Assert.StartsWith("'Tags' of entity 'Card' is a mutable '", message, StringComparison.Ordinal);
        Assert.Contains("declare it as IReadOnlyList<T>, IReadOnlyDictionary<TKey, TValue> or ImmutableArray<T>", message, StringComparison.Ordinal);
        DiagnosticAssert.At(diagnostic, "Tags", "record Card");
    }

    [Fact]
    public async Task Collections_inside_the_entitys_own_records_count_too()
    {
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC021", Usings + """
            public sealed record CardBody(string Text, List<string> Checklist);
            [SyncEntity("card")] public sealed record Card(string Id, CardBody? Body);
            [JsonSerializable(typeof(Card))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class KanbanDb;
            """);

        Assert.StartsWith("'Body.Checklist' of entity 'Card' is a mutable 'List<string>'", diagnostic.GetMessage(), StringComparison.Ordinal);
        DiagnosticAssert.At(diagnostic, "Checklist", "record CardBody");
    }

    [Fact]
    public async Task Read_only_and_immutable_collections_are_fine()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + """
            public sealed record CardBody(string Text, IReadOnlyList<string> Checklist);
            [SyncEntity("card")]
            public sealed record Card(string Id, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, int> Votes, ImmutableArray<string> Labels,
                IEnumerable<string> Watchers, ImmutableList<string> History, CardBody Body, string Title);
            [JsonSerializable(typeof(Card))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class KanbanDb;
            """);

        Assert.Empty(diagnostics);
    }
}
