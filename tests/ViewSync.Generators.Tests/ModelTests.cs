using System.Reflection;
using Microsoft.CodeAnalysis;
using ViewSync.Generators.Models;

namespace ViewSync.Generators.Tests;

public class ModelTests
{
    /// <summary>Symbols, syntax, locations and compilations break caching and keep compilations alive.</summary>
    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxToken)];

    [Fact]
    public void Pipeline_models_hold_only_equatable_values()
    {
        var visited = new HashSet<Type>();
        Walk(typeof(DatabaseOutput), visited, "DatabaseOutput");

        Assert.Contains(typeof(ParameterModel), visited);
        Assert.Contains(typeof(EntityModel), visited);
    }

    private static void Walk(Type type, HashSet<Type> visited, string path)
    {
        if (!visited.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string))
        {
            return;
        }

        Assert.False(Forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} is a {type.Name}");
        if (type.IsGenericType && type.GetGenericTypeDefinition().Name.StartsWith("EquatableArray", StringComparison.Ordinal))
        {
            Walk(type.GetGenericArguments()[0], visited, path + "[]");
            return;
        }

        Assert.True(type.IsValueType || type.IsSealed, $"{path} ({type.Name}) must be a sealed record or a value");
        Assert.True(type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEquatable<>)), $"{path} ({type.Name}) must be equatable");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            if (property.Name == "EqualityContract")
            {
                continue;
            }

            Walk(property.PropertyType, visited, $"{path}.{property.Name}");
        }
    }
}
