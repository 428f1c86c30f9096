using Microsoft.CodeAnalysis;

namespace ViewSync.Generators.Parsing;

/// <summary>
/// Parameter types that no <c>[JsonSerializable]</c> line can make work: they are not data, or
/// cannot be generic arguments, or System.Text.Json cannot read them back into the same type.
/// </summary>
internal static class UnserializableTypes
{
    /// <summary>Why <paramref name="type"/> cannot be a mutator argument, or null when it can.</summary>
    public static string? Reason(ITypeSymbol type)
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
