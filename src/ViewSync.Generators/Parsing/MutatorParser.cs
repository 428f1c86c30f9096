using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ViewSync.Generators.Diagnostics;
using ViewSync.Generators.Helpers;
using ViewSync.Generators.Models;

namespace ViewSync.Generators.Parsing;

/// <summary>Reads a <c>[Mutator]</c> method into a <see cref="MutatorModel"/>. Invalid ones are left to the analyzer.</summary>
internal static class MutatorParser
{
    public static MutatorParseResult? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (context.TargetSymbol is not IMethodSymbol method || context.Attributes.Length == 0 ||
            context.Attributes[0].ConstructorArguments.FirstOrDefault().Value is not string name || string.IsNullOrWhiteSpace(name) ||
            !method.IsStatic || method.IsGenericMethod || method.Parameters.Length == 0 ||
            method.Parameters.Any(p => p.RefKind != RefKind.None || p.IsParams))
        {
            return null;
        }

        var database = FindDatabase(method, context.SemanticModel, cancellationToken);
        if (database is null)
        {
            return null;
        }

        // Reported here, not by the analyzer: such a mutator gets no code, so calls to it fail to compile,
        // and a build with compiler errors runs no analyzers.
        var display = $"{method.ContainingType.Name}.{method.Name}";
        var diagnostics = method.Parameters.Skip(1)
            .Select(p => (Parameter: p, Reason: UnserializableTypes.Reason(p.Type)))
            .Where(p => p.Reason is not null)
            .Select(p => DiagnosticInfo.Create(DiagnosticDescriptors.ParameterTypeNotSerializable,
                LocationInfo.From(p.Parameter) ?? LocationInfo.From(method), display, p.Parameter.Name, p.Parameter.Type.ToDisplayString(), p.Reason!))
            .ToEquatableArray();
        var location = LocationInfo.From(method);
        if (MutatorReturns.Asynchronous(method) is { } awaitable)
        {
            // Its dispatch lambda would drop the task (CS4014 in the generated code), so it gets no code at all.
            diagnostics = diagnostics.Concat([DiagnosticInfo.Create(DiagnosticDescriptors.MutatorAsync, location, display, awaitable)]).ToEquatableArray();
        }

        if (diagnostics.Count > 0)
        {
            return new MutatorParseResult(null, location, diagnostics);
        }

        var parameters = method.Parameters.Skip(1).Select(ReadParameter).ToEquatableArray();
        var model = new MutatorModel(name, method.ContainingType.FullName(), method.ContainingType.Name, method.Name, database.FullName(), parameters);
        return new MutatorParseResult(model, location, diagnostics);
    }

    /// <summary>
    /// The <c>[SyncDatabase]</c> class whose <c>Tx</c> is the method's first parameter. The generator
    /// runs before <c>Tx</c> exists, so when the type does not bind yet it is read from the syntax
    /// (<c>TodoDb.Tx</c>, or plain <c>Tx</c> inside the database class).
    /// </summary>
    public static INamedTypeSymbol? FindDatabase(IMethodSymbol method, SemanticModel? semanticModel, CancellationToken cancellationToken)
    {
        var first = method.Parameters[0].Type;
        if (first is INamedTypeSymbol { TypeKind: not TypeKind.Error, Name: KnownNames.TxTypeName, ContainingType: { } bound } && IsDatabase(bound))
        {
            return bound;
        }

        if (semanticModel is null || method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not MethodDeclarationSyntax syntax ||
            syntax.ParameterList.Parameters.FirstOrDefault()?.Type is not { } typeSyntax)
        {
            return null;
        }

        switch (typeSyntax)
        {
            case QualifiedNameSyntax { Right.Identifier.ValueText: KnownNames.TxTypeName } qualified:
                return semanticModel.GetSymbolInfo(qualified.Left, cancellationToken).Symbol is INamedTypeSymbol left && IsDatabase(left) ? left : null;
            case IdentifierNameSyntax { Identifier.ValueText: KnownNames.TxTypeName }:
                for (var outer = method.ContainingType; outer is not null; outer = outer.ContainingType)
                {
                    if (IsDatabase(outer))
                    {
                        return outer;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    public static bool IsDatabase(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.SyncDatabaseAttribute);

    private static ParameterModel ReadParameter(IParameterSymbol parameter)
    {
        var type = parameter.Type;
        var isNullableValue = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        var underlying = isNullableValue ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        var kind = KindOf(underlying);
        var isNullable = isNullableValue || (type.IsReferenceType && parameter.NullableAnnotation == NullableAnnotation.Annotated);
        var written = type.ToDisplayString(SymbolFormats.FullyQualifiedNullable);
        var jsonType = underlying.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return new ParameterModel(parameter.Name, written, kind, isNullable, jsonType, DefaultValues.Literal(parameter));
    }

    /// <summary>Primitive kinds are written directly; everything else (enums included) goes through the app's JSON context.</summary>
    public static ArgumentKind KindOf(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_String => ArgumentKind.String,
        SpecialType.System_Boolean => ArgumentKind.Boolean,
        SpecialType.System_Int32 => ArgumentKind.Int32,
        SpecialType.System_Int64 => ArgumentKind.Int64,
        SpecialType.System_Double => ArgumentKind.Double,
        SpecialType.System_Single => ArgumentKind.Single,
        SpecialType.System_Decimal => ArgumentKind.Decimal,
        SpecialType.System_DateTime => ArgumentKind.DateTime,
        _ => type.ToDisplayString() switch
        {
            "System.Guid" => ArgumentKind.Guid,
            "System.DateTimeOffset" => ArgumentKind.DateTimeOffset,
            _ => ArgumentKind.Json,
        },
    };

}
