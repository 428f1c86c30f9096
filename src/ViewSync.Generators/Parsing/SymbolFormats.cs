using Microsoft.CodeAnalysis;

namespace ViewSync.Generators.Parsing;

internal static class SymbolFormats
{
    /// <summary><c>global::Ns.Type</c> with C# keywords for special types and <c>?</c> on nullable references.</summary>
    public static readonly SymbolDisplayFormat FullyQualifiedNullable = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string FullName(this ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    public static string Namespace(this ISymbol symbol) =>
        symbol.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "";
}
