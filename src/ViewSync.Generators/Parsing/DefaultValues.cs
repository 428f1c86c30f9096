using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ViewSync.Generators.Parsing;

/// <summary>Writes a parameter's default value as a C# expression that compiles to the same constant.</summary>
internal static class DefaultValues
{
    /// <summary>The default value of <paramref name="parameter"/> as C#, or null when it has none.</summary>
    public static string? Literal(IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return null;
        }

        var type = parameter.Type;
        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : type;
        var value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return "default";
        }

        var constant = Constant(value);
        // An enum's default is stored as its underlying number: cast it back to the enum (a cast to 'E?' would not be a constant).
        return underlying.TypeKind == TypeKind.Enum
            ? $"({underlying.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)})({constant})"
            : constant;
    }

    /// <summary>A constant of a primitive type, typed so that it converts to the parameter without a cast.</summary>
    public static string Constant(object value) => value switch
    {
        string text => SymbolDisplay.FormatLiteral(text, quote: true),
        char character => SymbolDisplay.FormatLiteral(character, quote: true),
        bool flag => flag ? "true" : "false",
        double number => Double(number),
        float number => Single(number),
        decimal number => number.ToString(CultureInfo.InvariantCulture) + "m",
        long number => number.ToString(CultureInfo.InvariantCulture) + "L",
        ulong number => number.ToString(CultureInfo.InvariantCulture) + "UL",
        uint number => number.ToString(CultureInfo.InvariantCulture) + "U",
        int number => number.ToString(CultureInfo.InvariantCulture),
        short number => $"(short){Parenthesized(number.ToString(CultureInfo.InvariantCulture))}",
        ushort number => $"(ushort){number.ToString(CultureInfo.InvariantCulture)}",
        byte number => $"(byte){number.ToString(CultureInfo.InvariantCulture)}",
        sbyte number => $"(sbyte){Parenthesized(number.ToString(CultureInfo.InvariantCulture))}",
        _ => throw new ArgumentException($"Unexpected constant of type {value.GetType()}.", nameof(value)),
    };

    private static string Double(double number) =>
        double.IsNaN(number) ? "double.NaN" :
        double.IsPositiveInfinity(number) ? "double.PositiveInfinity" :
        double.IsNegativeInfinity(number) ? "double.NegativeInfinity" :
        number.ToString("R", CultureInfo.InvariantCulture) + "d";

    private static string Single(float number) =>
        float.IsNaN(number) ? "float.NaN" :
        float.IsPositiveInfinity(number) ? "float.PositiveInfinity" :
        float.IsNegativeInfinity(number) ? "float.NegativeInfinity" :
        number.ToString("R", CultureInfo.InvariantCulture) + "f";

    private static string Parenthesized(string number) => number.StartsWith("-", StringComparison.Ordinal) ? $"({number})" : number;
}
