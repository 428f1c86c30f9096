using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ViewSync.Generators.Helpers;
using ViewSync.Generators.Models;

namespace ViewSync.Generators.Parsing;

/// <summary>The <c>[SyncIndex]</c> properties of an entity, and which key types an equality index supports.</summary>
internal static class IndexKeys
{
    /// <summary>Public instance properties marked <c>[SyncIndex]</c>, searching base types, with the method name each asks for.</summary>
    public static IEnumerable<(IPropertySymbol Property, AttributeData Attribute)> Find(INamedTypeSymbol type)
    {
        var seen = new HashSet<string>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                var attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.SyncIndexAttribute);
                if (attribute is not null && seen.Add(property.Name))
                {
                    yield return (property, attribute);
                }
            }
        }
    }

    /// <summary>
    /// Whether values of <paramref name="type"/> have stable value equality and are never null by construction:
    /// string, integral numbers and decimal, bool, char, enums, Guid and the date/time types. Floating point (NaN is
    /// not equal to itself), nullable value types and every other type (reference equality, mutable) are not.
    /// </summary>
    public static bool IsSupported(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_DateTime:
                return true;
        }

        return type is INamedTypeSymbol { ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } named &&
               named.Name is "Guid" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan";
    }

    /// <summary>The lookup's name: the attribute's <c>MethodName</c>, else <c>By{Property}</c>.</summary>
    public static string MethodName(IPropertySymbol property, AttributeData attribute) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == "MethodName").Value.Value is string { Length: > 0 } name
            ? name
            : "By" + property.Name;

    /// <summary>The supported indexes of an entity, for the model.</summary>
    public static EquatableArray<IndexModel> Models(INamedTypeSymbol type) =>
        Find(type)
            .Where(p => p.Property is { IsStatic: false, DeclaredAccessibility: Accessibility.Public, GetMethod: not null } && IsSupported(p.Property.Type))
            .Select(p => new IndexModel(p.Property.Name, p.Property.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).FullName(), MethodName(p.Property, p.Attribute)))
            .OrderBy(i => i.Property, System.StringComparer.Ordinal)
            .ToEquatableArray();
}
