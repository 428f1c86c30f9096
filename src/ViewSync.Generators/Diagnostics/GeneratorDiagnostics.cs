using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ViewSync.Generators.Helpers;
using ViewSync.Generators.Models;
using ViewSync.Generators.Parsing;

namespace ViewSync.Generators.Diagnostics;

/// <summary>
/// The mistakes the generator reports itself rather than leaving to <see cref="ViewSyncAnalyzer"/>: those
/// that change or remove generated members, so that the user's own code stops compiling (and a build
/// with compiler errors runs no analyzers, so an analyzer's explanation would never be seen).
/// </summary>
internal static class GeneratorDiagnostics
{
    public static EquatableArray<DiagnosticInfo> Find(
        ImmutableArray<DatabaseParseResult> databases, ImmutableArray<Located<EntityModel>> entities, ImmutableArray<MutatorParseResult> mutators)
    {
        var found = new List<DiagnosticInfo>();
        found.AddRange(databases.SelectMany(d => d.Diagnostics));
        found.AddRange(mutators.SelectMany(m => m.Diagnostics));

        // The same databases, in the same order, as the generator's output (see ViewSyncGenerator.Assemble).
        var valid = databases.Where(d => d.Model is not null).Select(d => d.Model!)
            .GroupBy(d => d.Type.FullName).Select(g => g.First()).OrderBy(d => d.Type.FullName, StringComparer.Ordinal).ToList();
        var namespaces = valid.Select(d => d.Type.Namespace).ToList();

        // Entities whose collection property would be another entity's: the generator can declare only one.
        var owned = entities.ToLookup(e => EntityOwnership.FindOwner(namespaces, e.Value.Namespace));
        for (var i = 0; i < valid.Count; i++)
        {
            var own = owned[i]
                .OrderBy(e => e.Value.WireName, StringComparer.Ordinal).ThenBy(e => e.Value.Type, StringComparer.Ordinal)
                .GroupBy(e => e.Value.WireName).Select(g => g.First()); // duplicate wire names: VSYNC003
            foreach (var group in own.GroupBy(e => e.Value.CollectionName))
            {
                var first = group.First();
                foreach (var duplicate in group.Skip(1))
                {
                    found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateCollectionName, duplicate.Location,
                        group.Key, Display(first.Value.Type), Display(duplicate.Value.Type), valid[i].Type.Name, duplicate.Value.WireName));
                }
            }
        }

        // Mutators of one database with the same method name: one Mutate helper name for two mutators.
        var databaseNames = new HashSet<string>(valid.Select(d => d.Type.FullName), StringComparer.Ordinal);
        var clashes = mutators
            .Where(m => m.Model is { } model && databaseNames.Contains(model.Database))
            .GroupBy(m => (m.Model!.Database, m.Model.MethodName));
        foreach (var group in clashes)
        {
            var ordered = group.OrderBy(m => m.Model!.ContainingType, StringComparer.Ordinal).ThenBy(m => m.Model!.WireName, StringComparer.Ordinal).ToList();
            var first = ordered[0].Model!;
            foreach (var duplicate in ordered.Skip(1))
            {
                var model = duplicate.Model!;
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateHelperName, duplicate.Location,
                    model.MethodName, $"{first.ContainingTypeName}.{first.MethodName}", $"{model.ContainingTypeName}.{model.MethodName}", Display(model.Database)));
            }
        }

        return found.ToEquatableArray();
    }

    private static string Display(string fullName) =>
        fullName.StartsWith("global::", StringComparison.Ordinal) ? fullName.Substring("global::".Length) : fullName;
}
