using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>Generated code looks up the JSON metadata of an argument type once, not on every mutation.</summary>
public class JsonMetadataCachingTests
{
    [Fact]
    public void Every_metadata_lookup_is_a_lazily_cached_static_and_the_hot_paths_only_read_it()
    {
        var source = Assert.Single(GeneratorHarness.Generated(TestSources.Todo)).Value;
        var lines = source.Split('\n');

        var lookups = lines.Where(l => l.Contains("JsonTypes.Get<", StringComparison.Ordinal) || l.Contains("GetTypeInfo(", StringComparison.Ordinal)).ToList();
        var lookup = Assert.Single(lookups); // List<string>, the one non-primitive argument type, looked up in one place
        Assert.Contains("public static global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<global::System.Collections.Generic.List<string>> Type0 => s_type0 ??= global::ViewSync.Mutators.JsonTypes.Get<", lookup, StringComparison.Ordinal);

        // The Mutate helper and the dispatch table (run for every mutation, and every replay) read the cached field.
        Assert.Contains(lines, l => l.Contains("args.Write(\"tags\", tags, MutatorArgumentTypes.Type0);", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("args.Get<global::System.Collections.Generic.List<string>>(\"tags\", MutatorArgumentTypes.Type0)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_type_used_by_several_mutators_has_one_cached_entry()
    {
        var source = Assert.Single(GeneratorHarness.Generated(TestSources.TodoEntities, TestSources.TodoDatabase, """
            using System.Collections.Generic;
            using ViewSync;
            namespace TodoApp;
            public static class M
            {
                [Mutator("todo.a")] public static void A(TodoDb.Tx tx, List<string> tags, List<string>? more) { }
                [Mutator("todo.b")] public static void B(TodoDb.Tx tx, List<string> tags) { }
            }
            """)).Value;

        Assert.Equal(1, source.Split("JsonTypes.Get<").Length - 1);
        Assert.Equal(6, source.Split("MutatorArgumentTypes.Type0)").Length - 1); // three arguments, each written by a helper and read by the table
        Assert.DoesNotContain("Type1", source, StringComparison.Ordinal);
    }
}
