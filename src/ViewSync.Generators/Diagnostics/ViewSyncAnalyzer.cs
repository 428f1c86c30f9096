using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ViewSync.Generators.Parsing;

namespace ViewSync.Generators.Diagnostics;

/// <summary>
/// Reports invalid ViewSync declarations, with a message that says how to fix each. Mistakes that
/// change what the generator emits (so that the user's code no longer compiles, and analyzers do not
/// run) are reported by the generator instead: see <see cref="GeneratorDiagnostics"/>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ViewSyncAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.EntityWithoutStringKey,
        DiagnosticDescriptors.UnsupportedIndexType,
        DiagnosticDescriptors.DuplicateEntityName,
        DiagnosticDescriptors.DuplicateMutatorName,
        DiagnosticDescriptors.MutatorNotStatic,
        DiagnosticDescriptors.MutatorGeneric,
        DiagnosticDescriptors.MutatorRefParameter,
        DiagnosticDescriptors.MutatorFirstParameterNotTx,
        DiagnosticDescriptors.EntityMissingFromJsonContext,
        DiagnosticDescriptors.ParameterMissingFromJsonContext,
        DiagnosticDescriptors.AmbiguousEntityDatabase,
        DiagnosticDescriptors.BlankName,
        DiagnosticDescriptors.MutatorReturnsValue,
        DiagnosticDescriptors.MutableEntityCollection,
    ];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownNames.SyncEntityAttribute) is null)
            {
                return; // ViewSync is not referenced.
            }

            var state = new CompilationState(start.Compilation);
            start.RegisterSymbolAction(state.AnalyzeType, SymbolKind.NamedType);
            start.RegisterSymbolAction(state.AnalyzeMethod, SymbolKind.Method);
            start.RegisterCompilationEndAction(state.AnalyzeCompilation);
        });
    }

    /// <summary>What one compilation declares, gathered per symbol and checked as a whole at the end.</summary>
    private sealed class CompilationState(Compilation compilation)
    {
        private readonly INamedTypeSymbol? _jsonContextBase = compilation.GetTypeByMetadataName(KnownNames.JsonSerializerContext);
        private readonly ConcurrentBag<(INamedTypeSymbol Type, string Name)> _entities = [];
        private readonly ConcurrentBag<(IMethodSymbol Method, string Name, INamedTypeSymbol? Database)> _mutators = [];
        private readonly ConcurrentBag<(INamedTypeSymbol Type, INamedTypeSymbol? Context)> _databases = [];

        public void AnalyzeType(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            foreach (var attribute in type.GetAttributes())
            {
                switch (attribute.AttributeClass?.ToDisplayString())
                {
                    case KnownNames.SyncDatabaseAttribute:
                        AnalyzeDatabase(type, attribute);
                        break;
                    case KnownNames.SyncEntityAttribute:
                        AnalyzeEntity(context, type, attribute);
                        break;
                }
            }
        }

        public void AnalyzeMethod(SymbolAnalysisContext context)
        {
            var method = (IMethodSymbol)context.Symbol;
            var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.MutatorAttribute);
            if (attribute is null)
            {
                return;
            }

            var location = method.Locations.FirstOrDefault();
            var display = $"{method.ContainingType.Name}.{method.Name}";
            if (attribute.ConstructorArguments.FirstOrDefault().Value is not string name || string.IsNullOrWhiteSpace(name))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlankName, location, display));
                return;
            }

            if (!method.IsStatic)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutatorNotStatic, location, display));
            }

            if (method.IsGenericMethod)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutatorGeneric, location, display));
            }

            // An asynchronous one is the generator's VSYNC016.
            if (MutatorReturns.Asynchronous(method) is null && !method.ReturnsVoid)
            {
                var returnType = method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                var where = MutatorReturns.ReturnTypeLocation(method, context.CancellationToken) ?? location;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutatorReturnsValue, where, display, returnType));
            }

            foreach (var parameter in method.Parameters.Where(p => p.RefKind != RefKind.None || p.IsParams))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutatorRefParameter, parameter.Locations.FirstOrDefault() ?? location, display, parameter.Name));
            }

            var database = method.Parameters.Length > 0 ? MutatorParser.FindDatabase(method, semanticModel: null, context.CancellationToken) : null;
            if (database is null)
            {
                var example = method.ContainingType.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.SyncDatabaseAttribute)
                    ? method.ContainingType.Name
                    : "AppDb";
                var where = method.Parameters.FirstOrDefault()?.Locations.FirstOrDefault() ?? location;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutatorFirstParameterNotTx, where, display, example));
            }

            _mutators.Add((method, name, database));
        }

        public void AnalyzeCompilation(CompilationAnalysisContext context)
        {
            foreach (var group in _entities.GroupBy(e => e.Name).Where(g => g.Count() > 1))
            {
                var ordered = group.OrderBy(e => e.Type.ToDisplayString(), System.StringComparer.Ordinal).ToList();
                foreach (var duplicate in ordered.Skip(1))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateEntityName, duplicate.Type.Locations.FirstOrDefault(),
                        group.Key, ordered[0].Type.ToDisplayString(), duplicate.Type.ToDisplayString()));
                }
            }

            foreach (var group in _mutators.GroupBy(m => m.Name).Where(g => g.Count() > 1))
            {
                var ordered = group.OrderBy(m => m.Method.ToDisplayString(), System.StringComparer.Ordinal).ToList();
                foreach (var duplicate in ordered.Skip(1))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateMutatorName, duplicate.Method.Locations.FirstOrDefault(),
                        group.Key, Describe(ordered[0].Method), Describe(duplicate.Method)));
                }
            }

            var builtIns = _entities
                .SelectMany(e => KnownNames.BuiltInOperations.Select(op => (Name: $"{e.Name}.{op}", e.Type)))
                .GroupBy(b => b.Name)
                .ToDictionary(g => g.Key, g => g.First().Type);
            foreach (var (method, name, _) in _mutators)
            {
                if (builtIns.TryGetValue(name, out var entityType))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateMutatorName, method.Locations.FirstOrDefault(),
                        name, $"the built-in mutator of entity '{entityType.Name}'", Describe(method)));
                }
            }

            var databases = _databases.OrderBy(d => d.Type.ToDisplayString(), System.StringComparer.Ordinal).ToList();
            if (databases.Count == 0)
            {
                return;
            }

            var namespaces = databases.Select(d => d.Type.Namespace()).ToList();
            var coverage = databases.Select(d => d.Context is null ? null : new JsonContextCoverage(d.Context)).ToList();
            foreach (var (type, _) in _entities)
            {
                var owner = EntityOwnership.FindOwner(namespaces, type.Namespace());
                if (owner < 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AmbiguousEntityDatabase, type.Locations.FirstOrDefault(),
                        type.Name, string.Join(", ", databases.Select(d => d.Type.ToDisplayString()))));
                }
                else if (coverage[owner] is { } covered && !covered.Covers(type))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.EntityMissingFromJsonContext, type.Locations.FirstOrDefault(),
                        type.Name, databases[owner].Context!.Name, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
                }
            }

            foreach (var (method, _, database) in _mutators)
            {
                var index = database is null ? -1 : databases.FindIndex(d => SymbolEqualityComparer.Default.Equals(d.Type, database));
                if (index < 0 || coverage[index] is not { } covered || method.IsGenericMethod)
                {
                    continue;
                }

                foreach (var parameter in method.Parameters.Skip(1))
                {
                    var type = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                        ? nullable.TypeArguments[0]
                        : parameter.Type;
                    // Types no JSON metadata can serve are the generator's VSYNC014, not a missing [JsonSerializable].
                    if (MutatorParser.KindOf(type) == Models.ArgumentKind.Json && UnserializableTypes.Reason(type) is null && !covered.Covers(type))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ParameterMissingFromJsonContext, parameter.Locations.FirstOrDefault(),
                            Describe(method), parameter.Name, databases[index].Context!.Name,
                            type.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
                    }
                }
            }
        }

        private void AnalyzeDatabase(INamedTypeSymbol type, AttributeData attribute)
        {
            // Not a JsonSerializerContext: the generator's VSYNC012 (the generated code would not compile).
            var jsonContext = DatabaseParser.ReadJsonContext(attribute);
            if (jsonContext is not null && !DatabaseParser.InheritsFrom(jsonContext, _jsonContextBase))
            {
                jsonContext = null;
            }

            _databases.Add((type, jsonContext));
        }

        private void AnalyzeEntity(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute)
        {
            var location = type.Locations.FirstOrDefault();
            var settings = EntityParser.ReadAttribute(attribute);
            if (settings is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlankName, location, type.Name));
                return;
            }

            if (EntityParser.FindKey(type, settings.Value.Key) is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.EntityWithoutStringKey, location, type.Name, settings.Value.Key, settings.Value.Name));
            }

            foreach (var (member, path, collection) in MutableCollections.Find(type))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutableEntityCollection,
                    member.Locations.FirstOrDefault(l => l.IsInSource) ?? location, type.Name, path, collection));
            }

            foreach (var (property, _) in IndexKeys.Find(type))
            {
                if (!IndexKeys.IsSupported(property.Type))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsupportedIndexType,
                        property.Locations.FirstOrDefault(l => l.IsInSource) ?? location, type.Name, property.Name,
                        property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
                }
            }

            _entities.Add((type, settings.Value.Name));
        }

        private static string Describe(IMethodSymbol method) => $"{method.ContainingType.Name}.{method.Name}";
    }
}
