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
