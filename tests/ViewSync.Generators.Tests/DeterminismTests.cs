using Microsoft.CodeAnalysis;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>VSYNC020: a mutator that reads the clock, randomness, the environment or does I/O.</summary>
public class DeterminismTests
{
    private const string Notes = """
        using System;
        using System.Diagnostics;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Text.Json.Serialization;
        using ViewSync;

        [SyncEntity("note")] public sealed record Note(string Id, string Text);
        [JsonSerializable(typeof(Note))] internal partial class AppJson : JsonSerializerContext;
        [SyncDatabase(typeof(AppJson))] public partial class NotesDb;

        """;

    [Theory]
    [InlineData("DateTime.Now.ToString()", "DateTime.Now", "reads the clock")]
    [InlineData("DateTime.UtcNow.ToString()", "DateTime.UtcNow", "reads the clock")]
    [InlineData("DateTime.Today.ToString()", "DateTime.Today", "reads the clock")]
    [InlineData("DateTimeOffset.Now.ToString()", "DateTimeOffset.Now", "reads the clock")]
    [InlineData("DateTimeOffset.UtcNow.ToString()", "DateTimeOffset.UtcNow", "reads the clock")]
    [InlineData("TimeProvider.System.GetUtcNow().ToString()", "TimeProvider.System", "reads the clock")]
    [InlineData("Environment.TickCount.ToString()", "Environment.TickCount", "reads the clock")]
    [InlineData("Environment.TickCount64.ToString()", "Environment.TickCount64", "reads the clock")]
    [InlineData("Stopwatch.GetTimestamp().ToString()", "Stopwatch.GetTimestamp", "reads the clock")]
    [InlineData("new Random().Next().ToString()", "Random.Next", "is random")]
    [InlineData("Random.Shared.Next().ToString()", "Random.Next", "is random")]
    [InlineData("Guid.NewGuid().ToString()", "Guid.NewGuid", "is random")]
    [InlineData("Environment.GetEnvironmentVariable(\"USER\") ?? \"\"", "Environment.GetEnvironmentVariable", "depends on the machine and process it runs in")]
    [InlineData("Environment.MachineName", "Environment.MachineName", "depends on the machine and process it runs in")]
    [InlineData("File.ReadAllText(\"a.txt\")", "File.ReadAllText", "does I/O")]
    [InlineData("Directory.GetFiles(\".\").First()", "Directory.GetFiles", "does I/O")]
    [InlineData("new HttpClient().GetStringAsync(\"http://x\").Result", "HttpClient.GetStringAsync", "does I/O")]
    [InlineData("Console.ReadLine() ?? \"\"", "Console.ReadLine", "does I/O")]
    public async Task A_mutator_that_uses_a_nondeterministic_api_gets_a_warning(string expression, string api, string reason)
    {
        var diagnostic = await DiagnosticAssert.SingleAsync("VSYNC020", Notes + $$"""
            public static class M
            {
                [Mutator("note.stamp")]
                public static void Stamp(NotesDb.Tx tx, string id) => tx.Notes.Put(new Note(id, {{expression}}));
            }
            """);

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.DefaultSeverity); // an error here: the harness, like the repository, treats warnings as errors
        Assert.Equal(
            $"Mutator 'M.Stamp' uses '{api}', which {reason}: the client and the server run each mutator separately (and the client replays it on rebase), so they would compute different results; pass the value in as a mutator argument instead, for example 'DateTimeOffset now'",
            diagnostic.GetMessage());
        Assert.Contains(api.Split('.')[1], diagnostic.Location.SourceTree!.ToString().Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uses_inside_lambdas_and_local_functions_count_too()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Notes + """
            public static class M
            {
                [Mutator("note.stamp")]
                public static void Stamp(NotesDb.Tx tx, string id)
                {
                    Func<string> lambda = () => DateTime.UtcNow.ToString();
                    tx.Notes.Put(new Note(id, lambda() + Local()));
                    static string Local() => Guid.NewGuid().ToString();
                }
            }
            """);

        Assert.Equal(2, diagnostics.Count(d => d.Id == "VSYNC020"));
    }

    [Fact]
    public async Task Values_passed_in_as_arguments_and_code_outside_mutators_are_fine()
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(Notes + """
            public static class M
            {
                [Mutator("note.stamp")]
                public static void Stamp(NotesDb.Tx tx, string id, DateTimeOffset now, Guid token) =>
                    tx.Notes.Put(new Note(id, $"{now:O} {token} {Math.Max(1, 2)} {string.Join(",", new[] { "a" }.OrderBy(x => x))} {Path.Combine("a", "b")}"));

                public static void Caller(NotesDb db) => db.Mutate.Stamp("n1", DateTimeOffset.UtcNow, Guid.NewGuid());
            }
            """);

        Assert.Empty(diagnostics);
    }
}
