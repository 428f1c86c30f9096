using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ViewSync.Generators.Parsing;

/// <summary>
/// Parameter types that no <c>[JsonSerializable]</c> line can make work: they are not data, or
/// cannot be generic arguments, or System.Text.Json cannot read them back into the same type.
/// </summary>
internal static class UnserializableTypes
{
    /// <summary>
    /// Why <paramref name="type"/> cannot be a mutator argument, or null when it can: the type itself, or
    /// what it holds (array elements, type arguments such as <c>List&lt;Stream&gt;</c>, and the public properties
    /// of the app's own records and classes, however deeply nested).
    /// </summary>
    public static string? Reason(ITypeSymbol type) =>
        OwnReason(type) ?? HeldReason(type, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));

    private static string? HeldReason(ITypeSymbol type, HashSet<ITypeSymbol> visited)
    {
        if (!visited.Add(type))
        {
            return null;
        }

        foreach (var (held, where) in Held(type))
        {
            if ((OwnReason(held) ?? HeldReason(held, visited)) is { } reason)
            {
                return $"holds a '{held.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString()}' {where}, which {reason}";
            }
        }

        return null;
    }

    private static IEnumerable<(ITypeSymbol Held, string Where)> Held(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
        {
            yield return (array.ElementType, "as its elements");
            yield break;
        }

        if (type is not INamedTypeSymbol named)
        {
            yield break;
        }

        foreach (var argument in named.TypeArguments)
        {
            yield return (argument, $"as a type argument of '{named.ToDisplayString()}'");
        }

        // Only the app's own types: their properties are what System.Text.Json writes. Library types
        // (DateTimeOffset, List<T>) are serialised by converters, not by walking their properties.
        if (named.TypeKind is TypeKind.Enum)
        {
            yield break;
        }

        for (var declared = named; declared is not null && declared.Locations.Any(l => l.IsInSource); declared = declared.BaseType)
        {
            foreach (var property in declared.GetMembers().OfType<IPropertySymbol>())
            {
                if (property is { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod: not null } &&
                    !property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonIgnoreAttribute"))
                {
                    yield return (property.Type, $"in property '{declared.Name}.{property.Name}'");
                }
            }
        }
    }

    private static string? OwnReason(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        switch (type.TypeKind)
        {
            case TypeKind.Pointer:
            case TypeKind.FunctionPointer:
                return "is a pointer";
            case TypeKind.Delegate:
                return "is a delegate (code, not data)";
            case TypeKind.Dynamic:
                return "is 'dynamic', whose JSON shape is unknown at build time";
            case TypeKind.TypeParameter:
                return "is a type parameter";
        }

        if (type.IsRefLikeType)
        {
            return "is a ref struct (such as Span<T>), which cannot be stored or passed as a generic argument";
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Object:
                return "is 'object', whose JSON shape is unknown at build time and would come back as a JsonElement";
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return "is a native-sized pointer or integer";
            case SpecialType.System_Delegate:
            case SpecialType.System_MulticastDelegate:
                return "is a delegate (code, not data)";
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            var reason = current.ToDisplayString() switch
            {
                "System.IO.Stream" => "is a stream of bytes, not a value",
                "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask" => "is a pending operation, not a value",
                "System.Threading.CancellationToken" => "is a local cancellation signal, not a value",
                "System.Type" or "System.Reflection.MemberInfo" or "System.Reflection.Assembly" => "is runtime reflection metadata",
                "System.Threading.WaitHandle" or "System.Threading.Thread" => "is a local operating-system resource",
                _ => null,
            };
            if (reason is not null)
            {
                return reason;
            }

            if (current is INamedTypeSymbol { IsGenericType: true } generic &&
                generic.OriginalDefinition.ToDisplayString() is "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>")
            {
                return "is a pending operation, not a value";
            }
        }

        return null;
    }
}
