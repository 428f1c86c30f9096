using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ViewSync.Generators.Parsing;

namespace ViewSync.Generators.Diagnostics;

/// <summary>
/// The types a System.Text.Json context has metadata for: its <c>[JsonSerializable]</c> types and,
/// as the JSON generator does, the types reachable from them through public properties and fields,
/// array elements and generic arguments.
/// </summary>
internal sealed class JsonContextCoverage
{
    private readonly HashSet<ITypeSymbol> _covered = new(SymbolEqualityComparer.Default);

    public JsonContextCoverage(INamedTypeSymbol context)
    {
        var pending = new Stack<ITypeSymbol>();
        foreach (var attribute in context.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == KnownNames.JsonSerializableAttribute &&
                attribute.ConstructorArguments.FirstOrDefault().Value is ITypeSymbol root)
            {
                pending.Push(root);
            }
        }

        while (pending.Count > 0)
        {
            var type = Normalize(pending.Pop());
            if (!_covered.Add(type))
            {
                continue;
            }

            switch (type)
            {
                case IArrayTypeSymbol array:
                    pending.Push(array.ElementType);
                    break;
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments)
                    {
                        pending.Push(argument);
                    }

                    if (named.SpecialType == SpecialType.None && named.TypeKind is TypeKind.Class or TypeKind.Struct)
                    {
                        foreach (var member in MembersOf(named))
                        {
                            pending.Push(member);
                        }
                    }

                    break;
            }
        }
    }

    public bool Covers(ITypeSymbol type) => _covered.Contains(Normalize(type));

    private static ITypeSymbol Normalize(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return type.WithNullableAnnotation(NullableAnnotation.None);
    }

    private static IEnumerable<ITypeSymbol> MembersOf(INamedTypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public)
                {
                    continue;
                }

                switch (member)
                {
                    case IPropertySymbol { IsIndexer: false } property:
                        yield return property.Type;
                        break;
                    case IFieldSymbol { IsImplicitlyDeclared: false } field:
                        yield return field.Type;
                        break;
                }
            }
        }
    }
}
