using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>The pipeline must not redo work an edit did not affect.</summary>
public class IncrementalTests
{
    private static readonly string[] TrackedSteps =
    [
        TrackingNames.Entities,
        TrackingNames.Mutators,
        TrackingNames.Databases,
        TrackingNames.AllEntities,
        TrackingNames.AllMutators,
        TrackingNames.DatabaseOutputs,
        TrackingNames.Diagnostics,
    ];

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compile([.. TestSources.Todo, "namespace Other; public class Unrelated { public int Value => 1; }"]);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "public int Value => 1;", "public int Value => 2; public string Name => \"x\";");
        var result = Result(driver.RunGenerators(edited));

        foreach (var step in TrackedSteps)
        {
            AssertReasons(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output was {output.Reason}"));
    }

    [Fact]
    public void Adding_a_property_the_generated_code_does_not_use_regenerates_nothing()
    {
        var compilation = GeneratorHarness.Compile(TestSources.Todo);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "List<string> Tags);", "List<string> Tags, int Priority = 0);");
        var result = Result(driver.RunGenerators(edited));

        AssertReasons(result, TrackingNames.AllEntities, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertReasons(result, TrackingNames.DatabaseOutputs, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Changing_what_an_entity_generates_reruns_only_the_entity_and_database_steps()
    {
        var compilation = GeneratorHarness.Compile(TestSources.Todo);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "[SyncEntity(\"category\")]", "[SyncEntity(\"category\", CollectionName = \"Kinds\")]");
        var result = Result(driver.RunGenerators(edited));

        Assert.Contains(result.TrackedSteps[TrackingNames.Entities].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.AllEntities, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.DatabaseOutputs, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Mutators, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.AllMutators, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Databases, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.Contains("Kinds", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_a_mutator_signature_reruns_the_mutator_and_database_steps_only()
    {
        var compilation = GeneratorHarness.Compile(TestSources.Todo);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = Replace(compilation, "Rename(TodoDb.Tx tx, string id, string title)", "Rename(TodoDb.Tx tx, string id, string title, bool trim = true)");
        var result = Result(driver.RunGenerators(edited));

        AssertReasons(result, TrackingNames.AllMutators, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.DatabaseOutputs, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Entities, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.AllEntities, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Moving_declarations_reruns_only_the_diagnostics_step()
    {
        var compilation = GeneratorHarness.Compile(TestSources.Todo);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        // Every entity and mutator moves down: their locations change, what is generated does not.
        var edited = Replace(Replace(compilation, "namespace TodoApp;\n\n[SyncEntity(\"todo\")]", "namespace TodoApp;\n\n// moved\n\n[SyncEntity(\"todo\")]"),
            "public static class TodoMutators", "// moved\npublic static class TodoMutators");
        var result = Result(driver.RunGenerators(edited));

        AssertReasons(result, TrackingNames.Diagnostics, IncrementalStepRunReason.Modified, IncrementalStepRunReason.Unchanged);
        foreach (var step in new[] { TrackingNames.Entities, TrackingNames.Mutators, TrackingNames.AllEntities, TrackingNames.AllMutators, TrackingNames.DatabaseOutputs })
        {
            AssertReasons(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }
    }

    [Fact]
    public void A_diagnostic_appears_and_goes_with_the_mistake()
    {
        var compilation = GeneratorHarness.Compile(TestSources.Todo);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Empty(Result(driver).Diagnostics);

        var broken = Replace(compilation, "public partial class TodoDb;", "public class TodoDb;");
        driver = driver.RunGenerators(broken);
        Assert.Equal("VSYNC001", Assert.Single(Result(driver).Diagnostics).Id);
        Assert.Empty(Result(driver).GeneratedSources);

        driver = driver.RunGenerators(compilation);
        Assert.Empty(Result(driver).Diagnostics);
        Assert.Single(Result(driver).GeneratedSources);
    }

    private static GeneratorRunResult Result(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single(r => r.Generator.GetGeneratorType() == typeof(ViewSyncGenerator));

    private static void AssertReasons(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"step {step} did not run");
        var reasons = runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
        Assert.True(reasons.All(allowed.Contains), $"step {step}: {string.Join(", ", reasons)}; allowed: {string.Join(", ", allowed)}");
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains(oldText, StringComparison.Ordinal));
        var changed = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.ToString().Replace(oldText, newText, StringComparison.Ordinal)));
        return compilation.ReplaceSyntaxTree(tree, changed);
    }
}
