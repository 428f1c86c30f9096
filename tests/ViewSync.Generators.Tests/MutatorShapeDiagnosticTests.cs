using Microsoft.CodeAnalysis;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>Mutators are synchronous and return nothing: VSYNC016 and VSYNC017.</summary>
public class MutatorShapeDiagnosticTests
{
    private const string Notes = """
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using ViewSync;

        [SyncEntity("note")] public sealed record Note(string Id, string Text);
        [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
        [SyncDatabase(typeof(AppJson))] public partial class NotesDb;

        """;

    [Theory]
    [InlineData("public static async Task Touch(NotesDb.Tx tx, string id) { await Task.Yield(); }", "Task")]
    [InlineData("public static Task Touch(NotesDb.Tx tx, string id) => Task.CompletedTask;", "Task")]
    [InlineData("public static ValueTask<int> Touch(NotesDb.Tx tx, string id) => new(1);", "ValueTask<int>")]
    [InlineData("public static async void Touch(NotesDb.Tx tx, string id) { await Task.Yield(); }", "async void")]
    public async Task VSYNC016_asynchronous_mutator(string method, string returns)
    {
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC016", Notes + $$"""
            public static class M { [Mutator("note.touch")] {{method}} }
            """);

        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(
            $"Mutator 'M.Touch' is async or returns '{returns}': a mutator runs to completion inside one transaction, so writes after an 'await' would be lost or applied outside it; make it a synchronous 'void' method and do asynchronous work before calling it, passing the results as arguments",
            diagnostic.GetMessage());
        DiagnosticAssert.At(diagnostic, "Touch", "Touch(NotesDb.Tx tx");
    }

    [Fact]
    public async Task VSYNC017_mutator_that_returns_a_value()
    {
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC017", Notes + """
            public static class M { [Mutator("note.count")] public static List<string> Count(NotesDb.Tx tx, string id) => [id]; }
            """);

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.DefaultSeverity); // an error here: the harness, like the repository, treats warnings as errors
        Assert.Equal(
            "Mutator 'M.Count' returns 'List<string>', which nobody receives: the client and the server keep only what it writes through 'tx'; make it return 'void' (read results from the database after the mutation)",
            diagnostic.GetMessage());
        DiagnosticAssert.At(diagnostic, "List<string>", "Count(NotesDb.Tx tx");
    }
}
