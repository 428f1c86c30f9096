using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>Generated code for every kind of mutator argument and default value compiles, with documentation checks and warnings as errors.</summary>
public class ArgumentCompilationTests
{
    private const string Kanban = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using ViewSync;

        namespace Kanban;

        public enum Column { Todo, Doing, Done }
        public sealed record CardBody(string Text, IReadOnlyList<string> Checklist);
        public readonly record struct Estimate(int Points);
        [SyncEntity("card")] public sealed record Card(string Id, string Title, Column Column, CardBody? Body, IReadOnlyList<string> Tags, DateTimeOffset Created, DateTimeOffset? Due);

        [JsonSerializable(typeof(Card))]
        [JsonSerializable(typeof(List<string>))]
        [JsonSerializable(typeof(Estimate))]
        internal partial class KanbanJson : JsonSerializerContext;

        [SyncDatabase(typeof(KanbanJson))] public partial class KanbanDb;

        """;

    [Theory]
    [InlineData("Column? column")]
    [InlineData("CardBody? body")]
    [InlineData("List<string>? tags")]
    [InlineData("Estimate? estimate")]
    [InlineData("Column column, CardBody body, List<string> tags, Estimate estimate")]
    [InlineData("Column? column, CardBody? body, List<string>? tags, DateTimeOffset? due, Guid? owner, decimal? price")]
    public Task Nullable_and_non_nullable_json_arguments(string parameters) =>
        CompilationAssert.CompilesCleanlyAsync(Kanban + $$"""
            public static class M { [Mutator("card.edit")] public static void Edit(KanbanDb.Tx tx, string id, {{parameters}}) { } }
            """);

    [Theory]
    [InlineData("double value = double.NaN")]
    [InlineData("double value = double.PositiveInfinity")]
    [InlineData("double value = double.NegativeInfinity")]
    [InlineData("double value = -0.0")]
    [InlineData("double value = 1e300")]
    [InlineData("double? value = double.NaN")]
    [InlineData("float value = float.NaN")]
    [InlineData("float value = float.PositiveInfinity")]
    [InlineData("float value = float.NegativeInfinity")]
    [InlineData("float value = 1.5e-30f")]
    [InlineData("char value = 'x'")]
    [InlineData("char value = '\\''")]
    [InlineData("char value = '\\0'")]
    [InlineData("char value = '\\n'")]
    [InlineData("char value = '\\u2028'")]
    [InlineData("char value = '\\ud800'")]
    [InlineData("char? value = 'y'")]
    [InlineData("string value = \"tab\\there\\r\\nnull\\0bell\\a\\u2028\\u2029\\u0085\\ud800 \\\"quoted\\\" back\\\\slash\"")]
    [InlineData("decimal value = 1.50m")]
    [InlineData("long value = long.MinValue")]
    [InlineData("int value = int.MinValue")]
    [InlineData("short value = short.MinValue")]
    [InlineData("sbyte value = -1")]
    [InlineData("byte value = 255")]
    [InlineData("ushort value = 65535")]
    [InlineData("uint value = uint.MaxValue")]
    [InlineData("ulong value = ulong.MaxValue")]
    [InlineData("Column value = Column.Done")]
    [InlineData("Column? value = Column.Doing")]
    [InlineData("Column? value = null")]
    [InlineData("CardBody? value = null")]
    [InlineData("DateTimeOffset value = default")]
    public Task Default_values(string parameter) =>
        CompilationAssert.CompilesCleanlyAsync(Kanban + $$"""
            [JsonSerializable(typeof(char))] [JsonSerializable(typeof(short))] [JsonSerializable(typeof(sbyte))] [JsonSerializable(typeof(byte))]
            [JsonSerializable(typeof(ushort))] [JsonSerializable(typeof(uint))] [JsonSerializable(typeof(ulong))]
            internal partial class MoreJson : JsonSerializerContext;
            public static class M { [Mutator("card.edit")] public static void Edit(KanbanDb.Tx tx, string id, {{parameter}}) { } }
            """);

    [Theory]
    [InlineData("line\\nbreak")]
    [InlineData("carriage\\rreturn")]
    [InlineData("null\\0char")]
    [InlineData("line\\u2028separator")]
    [InlineData("paragraph\\u2029separator")]
    [InlineData("next\\u0085line")]
    [InlineData("lone\\ud800surrogate")]
    [InlineData("tab\\tand\\u0001control")]
    [InlineData("quote\\\"and\\\\backslash</c>&amp;")]
    public Task Wire_names_with_control_and_line_breaking_characters(string name) =>
        CompilationAssert.CompilesCleanlyAsync($$"""
            using System.Text.Json.Serialization;
            using ViewSync;
            namespace Odd;
            [SyncEntity("{{name}}")] public sealed record Thing(string Id);
            public static class M { [Mutator("{{name}}.do")] public static void Do(OddDb.Tx tx, string id) { } }
            [JsonSerializable(typeof(Thing))] internal partial class OddJson : JsonSerializerContext;
            [SyncDatabase(typeof(OddJson))] public partial class OddDb;
            """);

    [Fact]
    public void Default_values_are_written_as_the_same_constants()
    {
        var source = Assert.Single(GeneratorHarness.Generated(Kanban + """
            public static class M
            {
                [Mutator("card.edit")]
                public static void Edit(KanbanDb.Tx tx, string id, double a = double.NaN, float b = float.NegativeInfinity, char c = '\n', Column d = Column.Done, Column? e = Column.Doing, string f = "x\u2028y")
                {
                }
            }
            """)).Value;

        Assert.Contains("double a = double.NaN, float b = float.NegativeInfinity, char c = '\\n', global::Kanban.Column d = (global::Kanban.Column)(2), global::Kanban.Column? e = (global::Kanban.Column)(1), string f = \"x\\u2028y\"", source, StringComparison.Ordinal);
    }
}
