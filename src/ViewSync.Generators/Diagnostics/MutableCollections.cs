using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ViewSync.Generators.Diagnostics;

/// <summary>
/// Finds collections in an entity that can be changed in place (<c>List&lt;T&gt;</c>, arrays,
/// dictionaries, sets, <c>IList&lt;T&gt;</c>…), in the entity and in the records it contains. A value
/// read from the database is one instance shared by every reader, so such a change would be seen by
/// all of them without a mutation, and never synced.
/// </summary>
internal static class MutableCollections
{
    /// <summary>The members holding mutable collections: the member to point at, its path from the entity (<c>Body.Tags</c>), and its type.</summary>
    public static IEnumerable<(ISymbol Member, string Path, string Type)> Find(INamedTypeSymbol entity)
    {
        var visited = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default) { entity };
        var pending = new Queue<(INamedTypeSymbol Type, string Prefix)>();
        pending.Enqueue((entity, ""));
        while (pending.Count > 0)
        {
            var (type, prefix) = pending.Dequeue();
            foreach (var (member, memberType) in DataMembers(type))
            {
                var path = prefix + member.Name;
                var unwrapped = memberType is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                    ? nullable.TypeArguments[0]
                    : memberType;
                if (IsMutableCollection(unwrapped))
                {
                    yield return (member, path, unwrapped.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat));
                }
                else if (unwrapped is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } nested &&
                         nested.Locations.Any(l => l.IsInSource) && visited.Add(nested))
                {
                    // The app's own records (a card's body): their collections are shared the same way.
                    pending.Enqueue((nested, path + "."));
                }
            }
        }
    }

    private static IEnumerable<(ISymbol Member, ITypeSymbol Type)> DataMembers(INamedTypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared)
                {
                    continue;
                }

                switch (member)
                {
                    case IPropertySymbol { IsIndexer: false, Name: not "EqualityContract" } property:
                        yield return (property, property.Type);
                        break;
                    case IFieldSymbol field:
                        yield return (field, field.Type);
                        break;
                }
            }
        }
    }

    private static bool IsMutableCollection(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol)
        {
            return true;
        }

        if (type is not INamedTypeSymbol named || type.SpecialType == SpecialType.System_String)
        {
            return false;
        }

        var ns = named.ContainingNamespace?.ToDisplayString() ?? "";
        if (ns is "System.Collections.Immutable" or "System.Collections.Frozen" ||
            named.Name.StartsWith("ReadOnly", System.StringComparison.Ordinal) || named.Name.StartsWith("IReadOnly", System.StringComparison.Ordinal))
        {
            return false;
        }

        // Mutable interfaces themselves, or any type that implements one.
        return IsMutableInterface(named) || named.AllInterfaces.Any(IsMutableInterface);
    }

    private static bool IsMutableInterface(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Interface &&
        type.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.ICollection<T>" or "System.Collections.IList" or "System.Collections.IDictionary";
}
