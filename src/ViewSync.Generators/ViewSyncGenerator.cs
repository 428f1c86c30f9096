using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using ViewSync.Generators.Diagnostics;
using ViewSync.Generators.Emit;
using ViewSync.Generators.Helpers;
using ViewSync.Generators.Models;
using ViewSync.Generators.Parsing;

namespace ViewSync.Generators;

/// <summary>
/// Generates the typed database for each <c>[SyncDatabase]</c>. Pipeline only: parsing lives in
/// <c>Parsing/</c>, code in <c>Emit/</c>, validation in <see cref="Diagnostics.ViewSyncAnalyzer"/>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ViewSyncGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsedEntities = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.SyncEntityAttribute, static (node, _) => true, EntityParser.Parse)
            .Where(static located => located is not null)
            .Select(static (located, _) => located!);
        var entities = parsedEntities
            .Select(static (located, _) => located.Value)
            .WithTrackingName(TrackingNames.Entities)
            .Collect()
            .Select(static (all, _) => all.OrderBy(e => e.WireName, StringComparer.Ordinal).ThenBy(e => e.Type, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.AllEntities);

        var parsedMutators = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.MutatorAttribute, static (node, _) => true, MutatorParser.Parse)
            .Where(static result => result is not null)
            .Select(static (result, _) => result!);
        var mutators = parsedMutators
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Mutators)
            .Collect()
            .Select(static (all, _) => all.OrderBy(m => m.WireName, StringComparer.Ordinal).ThenBy(m => m.ContainingType, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.AllMutators);

        var parsedDatabases = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.SyncDatabaseAttribute, static (node, _) => true, DatabaseParser.Parse)
            .Where(static result => result is not null)
            .Select(static (result, _) => result!);
        var databases = parsedDatabases
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Databases)
            .Collect();

        var outputs = databases
            .Combine(entities)
            .Combine(mutators)
            .SelectMany(static (input, _) => Assemble(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.DatabaseOutputs);

        context.RegisterSourceOutput(outputs, static (production, output) =>
            production.AddSource($"{output.Database.Type.HintName}.ViewSync.g.cs", DatabaseEmitter.Emit(output)));

        // Diagnostics from their own step: it carries source locations, which the output steps above must not
        // (moving a declaration would otherwise regenerate every file).
        var diagnostics = parsedDatabases.Collect()
            .Combine(parsedEntities.Collect())
            .Combine(parsedMutators.Collect())
            .Select(static (input, _) => GeneratorDiagnostics.Find(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (production, found) =>
        {
            foreach (var diagnostic in found)
            {
                production.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }

    /// <summary>Gives each database its entities (see <see cref="EntityOwnership"/>) and the mutators that take its <c>Tx</c>.</summary>
    private static ImmutableArray<DatabaseOutput> Assemble(
        ImmutableArray<DatabaseModel> databases, EquatableArray<EntityModel> entities, EquatableArray<MutatorModel> mutators)
    {
        // Two declarations of the same database (a bad input the analyzer reports) must not produce two files.
        var distinct = databases.GroupBy(d => d.Type.FullName).Select(g => g.First()).OrderBy(d => d.Type.FullName, StringComparer.Ordinal).ToList();
        var namespaces = distinct.Select(d => d.Type.Namespace).ToList();
        var owned = entities.ToLookup(e => EntityOwnership.FindOwner(namespaces, e.Namespace));
        var builder = ImmutableArray.CreateBuilder<DatabaseOutput>(distinct.Count);
        for (var i = 0; i < distinct.Count; i++)
        {
            var database = distinct[i];
            var own = owned[i]
                .GroupBy(e => e.WireName).Select(g => g.First()) // duplicate names: VSYNC003
                .GroupBy(e => e.CollectionName).Select(g => g.First())
                .ToEquatableArray();
            var builtIns = new System.Collections.Generic.HashSet<string>(
                own.SelectMany(e => KnownNames.BuiltInOperations.Select(op => $"{e.WireName}.{op}")), StringComparer.Ordinal);
            var ownMutators = mutators
                .Where(m => m.Database == database.Type.FullName && !builtIns.Contains(m.WireName)) // clashes: VSYNC004
                .GroupBy(m => m.WireName).Select(g => g.First()) // duplicate names: VSYNC004
                .ToEquatableArray();
            builder.Add(new DatabaseOutput(database, own, ownMutators));
        }

        return builder.MoveToImmutable();
    }
}
