using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ViewSync.Generators.Diagnostics;

/// <summary>
/// Every diagnostic ViewSync reports. Ids are never reused; each is listed in
/// AnalyzerReleases.*.md and explained in docs/diagnostics.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "ViewSync";
    private const string HelpBase = "https://github.com/viewsync/viewsync/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor DatabaseNotPartial = Error(
        "VSYNC001",
        "[SyncDatabase] class must be partial",
        "'{0}' must be declared 'partial' (and so must any type that contains it) so that ViewSync can generate its collections and mutators");

    public static readonly DiagnosticDescriptor EntityWithoutStringKey = Error(
        "VSYNC002",
        "Entity has no string key property",
        "Entity '{0}' needs a public, readable 'string {1}' property to use as its id: add one, or name another string property with [SyncEntity(\"{2}\", Key = \"...\")]");

    public static readonly DiagnosticDescriptor DuplicateEntityName = Error(
        "VSYNC003",
        "Two entities share a name",
        "Entity name '{0}' is used by both '{1}' and '{2}': give each [SyncEntity] a unique name",
        compilationEnd: true);

    public static readonly DiagnosticDescriptor DuplicateMutatorName = Error(
        "VSYNC004",
        "Two mutators share a name",
        "Mutator name '{0}' is used by both '{1}' and '{2}': give each [Mutator] a unique name",
        compilationEnd: true);

    public static readonly DiagnosticDescriptor MutatorNotStatic = Error(
        "VSYNC005",
        "Mutator must be static",
        "Mutator '{0}' must be a static method: mutators run on the client and the server without an instance");

    public static readonly DiagnosticDescriptor MutatorGeneric = Error(
        "VSYNC006",
        "Mutator cannot be generic",
        "Mutator '{0}' cannot have type parameters: its arguments are decoded from JSON by fixed types");

    public static readonly DiagnosticDescriptor MutatorRefParameter = Error(
        "VSYNC007",
        "Mutator parameters must be passed by value",
        "Parameter '{1}' of mutator '{0}' is 'ref', 'out', 'in' or 'params': mutator arguments are decoded from JSON and passed by value; remove the modifier");

    public static readonly DiagnosticDescriptor MutatorFirstParameterNotTx = Error(
        "VSYNC008",
        "Mutator's first parameter must be the database's Tx",
        "The first parameter of mutator '{0}' must be the database's transaction, for example '{1}.Tx tx'");

    public static readonly DiagnosticDescriptor EntityMissingFromJsonContext = Error(
        "VSYNC009",
        "Entity type is missing from the JSON context",
        "'{1}' has no JSON metadata for entity '{0}': add [JsonSerializable(typeof({2}))] to '{1}'");

    public static readonly DiagnosticDescriptor ParameterMissingFromJsonContext = Error(
        "VSYNC010",
        "Mutator parameter type is missing from the JSON context",
        "'{2}' has no JSON metadata for parameter '{1}' of mutator '{0}': add [JsonSerializable(typeof({3}))] to '{2}'");

    public static readonly DiagnosticDescriptor AmbiguousEntityDatabase = Error(
        "VSYNC011",
        "Entity cannot be matched to one database",
        "Entity '{0}' belongs to no single [SyncDatabase]: with several databases, an entity belongs to the one declared in its namespace or the nearest enclosing namespace; move '{0}' or the databases ({1}) so that exactly one is nearest",
        compilationEnd: true);

    public static readonly DiagnosticDescriptor InvalidJsonContext = Error(
        "VSYNC012",
        "[SyncDatabase] needs a JsonSerializerContext",
        "'{0}' is not a System.Text.Json JsonSerializerContext: pass your app's context, declared as 'partial class AppJson : JsonSerializerContext' with [JsonSerializable] attributes");

    public static readonly DiagnosticDescriptor BlankName = Error(
        "VSYNC013",
        "Entity and mutator names cannot be blank",
        "'{0}' has a blank name: entity and mutator names are wire names, such as \"todo\" or \"todo.toggle\"");

    public static readonly DiagnosticDescriptor ParameterTypeNotSerializable = Error(
        "VSYNC014",
        "Mutator parameter type cannot be sent as JSON",
        "Parameter '{1}' of mutator '{0}' has type '{2}', which {3} and so can never travel between client and server as JSON (a [JsonSerializable] attribute would not help): pass the data it stands for instead, as strings, numbers, records or lists");

    public static readonly DiagnosticDescriptor DatabaseInGenericType = Error(
        "VSYNC015",
        "[SyncDatabase] class cannot be generic",
        "'{0}' is generic or nested in a generic type: a database's mutator table and transaction type must be one fixed type, so declare it in a namespace or in a non-generic type");

    public static readonly DiagnosticDescriptor MutatorAsync = Error(
        "VSYNC016",
        "Mutator cannot be asynchronous",
        "Mutator '{0}' is async or returns '{1}': a mutator runs to completion inside one transaction, so writes after an 'await' would be lost or applied outside it; make it a synchronous 'void' method and do asynchronous work before calling it, passing the results as arguments");

    public static readonly DiagnosticDescriptor MutatorReturnsValue = Warning(
        "VSYNC017",
        "Mutator return value is discarded",
        "Mutator '{0}' returns '{1}', which nobody receives: the client and the server keep only what it writes through 'tx'; make it return 'void' (read results from the database after the mutation)");

    public static readonly DiagnosticDescriptor DuplicateHelperName = Error(
        "VSYNC018",
        "Two mutators of one database share a method name",
        "Mutators '{1}' and '{2}' of database '{3}' would both be 'Mutate.{0}': the typed helper takes the mutator method's name, so rename one of the methods");

    public static readonly DiagnosticDescriptor DuplicateCollectionName = Error(
        "VSYNC019",
        "Two entities of one database share a collection name",
        "Entities '{1}' and '{2}' would both be the collection '{0}' of database '{3}': give one another name with [SyncEntity(\"{4}\", CollectionName = \"...\")] or rename the type");

    public static readonly DiagnosticDescriptor NondeterministicMutator = Warning(
        "VSYNC020",
        "Mutator is not deterministic",
        "Mutator '{0}' uses '{1}', which {2}: the client and the server run each mutator separately (and the client replays it on rebase), so they would compute different results; pass the value in as a mutator argument instead, for example 'DateTimeOffset now'");

    public static readonly DiagnosticDescriptor MutableEntityCollection = Warning(
        "VSYNC021",
        "Entity has a mutable collection",
        "'{1}' of entity '{0}' is a mutable '{2}': values read from the database are shared by every reader, so changing it in place changes what all of them see without a mutation and never syncs; declare it as IReadOnlyList<T>, IReadOnlyDictionary<TKey, TValue> or ImmutableArray<T> and write changes through a mutator");

    public static readonly DiagnosticDescriptor UnsupportedIndexType = Error(
        "VSYNC022",
        "Index on a property type without stable equality",
        "[SyncIndex] on '{1}' of entity '{0}' is not supported: its type '{2}' has no stable value equality; index a string, an integral number or decimal, bool, char, an enum, Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly or TimeSpan (not float or double, and not a nullable value type), or filter with Query().Where(...) instead");

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null))
        .ToDictionary(d => d.Id);

    /// <summary>Every descriptor, by id.</summary>
    public static IReadOnlyCollection<DiagnosticDescriptor> All => s_byId.Values;

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(
            id,
            title,
            message,
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + id.ToLowerInvariant());

    private static DiagnosticDescriptor Error(string id, string title, string message, bool compilationEnd = false) =>
        new(
            id,
            title,
            message,
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + id.ToLowerInvariant(),
            customTags: compilationEnd ? [WellKnownDiagnosticTags.CompilationEnd] : []);
}
