using Microsoft.CodeAnalysis;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>VSYNC022: an equality index needs a key type with stable, exact value equality.</summary>
public class IndexDiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using ViewSync;

        """;

    [Theory]
    [InlineData("double")]
    [InlineData("float")]
    [InlineData("int?")]
    [InlineData("IReadOnlyList<string>")]
    [InlineData("Owner")]
    public async Task An_index_on_a_type_without_stable_equality_is_an_error_at_the_property(string type)
    {
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC022", Usings + $$"""
            public sealed record Owner(string Name);
            [SyncEntity("card")] public sealed record Card(string Id, [property: SyncIndex] {{type}} Weight);
            [JsonSerializable(typeof(Card))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class KanbanDb;
            """);

        Assert.Equal(DiagnosticSeverity.Error, diagnostic.DefaultSeverity);
        Assert.StartsWith($"[SyncIndex] on 'Weight' of entity 'Card' is not supported: its type '{type}' has no stable value equality", diagnostic.GetMessage(), StringComparison.Ordinal);
        DiagnosticAssert.At(diagnostic, "Weight", "record Card");
    }

    [Fact]
    public async Task Indexes_on_supported_types_compile_and_generate_lookups()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Usings + """
            public enum Lane { Todo, Done }
            [SyncEntity("card")]
            public sealed record Card(string Id, [property: SyncIndex] string BoardId, [property: SyncIndex(MethodName = "InLane")] Lane Lane,
                [property: SyncIndex] Guid Owner, [property: SyncIndex] int Rank, [property: SyncIndex] DateOnly Due, [property: SyncIndex] string? Tag);
            [JsonSerializable(typeof(Card))] internal partial class AppJson : JsonSerializerContext;
            [SyncDatabase(typeof(AppJson))] public partial class KanbanDb;

            public static class Use
            {
                public static int Count(KanbanDb db) =>
                    db.Cards.ByBoardId("b").Count + db.Cards.InLane(Lane.Done).OrderBy(c => c.Rank).Take(3).Count + db.Cards.ByOwner(Guid.Empty).Count +
                    db.Cards.ByRank(1).Count + db.Cards.ByDue(default).Count + db.Cards.ByTag("t").Count;
            }
            """);

        Assert.Empty(diagnostics);
    }
}
