using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ViewSync.Generators.Diagnostics;
using ViewSync.Generators.Helpers;
using ViewSync.Generators.Models;

namespace ViewSync.Generators.Parsing;

/// <summary>Reads a <c>[SyncDatabase]</c> class into a <see cref="DatabaseModel"/>. Invalid ones are left to the analyzer.</summary>
internal static class DatabaseParser
{
    public static DatabaseParseResult? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || context.Attributes.Length == 0)
        {
            return null;
        }

        // Reported here, not by the analyzer: without the generated members the user's mutators fail to
        // compile ('Tx' does not exist), and a build with compiler errors runs no analyzers.
        var diagnostics = new System.Collections.Generic.List<DiagnosticInfo>();
        var location = LocationInfo.From(type);
        if (!IsPartialAllTheWayOut(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DatabaseNotPartial, location, type.Name));
        }

        if (IsGenericAnywhere(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DatabaseInGenericType, location, type.ToDisplayString()));
        }

        var jsonContext = ReadJsonContext(context.Attributes[0]);
        if (jsonContext is not null &&
            !InheritsFrom(jsonContext, context.SemanticModel.Compilation.GetTypeByMetadataName(KnownNames.JsonSerializerContext)))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidJsonContext, location, jsonContext.ToDisplayString()));
        }

        if (diagnostics.Count > 0 || jsonContext is null)
        {
            return new DatabaseParseResult(null, diagnostics.ToEquatableArray());
        }

        var containing = new System.Collections.Generic.List<ContainingType>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, new ContainingType(outer.Name, Keyword(outer), outer.IsStatic));
        }

        var hierarchy = new TypeHierarchy(type.Namespace(), type.Name, Keyword(type), containing.ToEquatableArray());
        var accessibility = type.DeclaredAccessibility == Accessibility.Public ? "public" : "internal";
        return new DatabaseParseResult(new DatabaseModel(hierarchy, accessibility, jsonContext.FullName()), EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>Whether <paramref name="type"/> derives from <paramref name="baseType"/>.</summary>
    public static bool InheritsFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the type or any type around it has type parameters.</summary>
    public static bool IsGenericAnywhere(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The JSON context type named by <c>[SyncDatabase(typeof(...))]</c>.</summary>
    public static INamedTypeSymbol? ReadJsonContext(AttributeData attribute) =>
        attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is INamedTypeSymbol context &&
        context.TypeKind != TypeKind.Error
            ? context
            : null;

    /// <summary>Whether every declaration of the type and of the types around it says <c>partial</c>.</summary>
    public static bool IsPartialAllTheWayOut(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (!IsPartial(current))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Length > 0 &&
        type.DeclaringSyntaxReferences.All(reference =>
            reference.GetSyntax() is TypeDeclarationSyntax declaration &&
            declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };
}
