using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using ViewSync.Generators.Helpers;
using ViewSync.Generators.Models;

namespace ViewSync.Generators.Parsing;

/// <summary>Reads a <c>[SyncEntity]</c> type into an <see cref="EntityModel"/>. Invalid ones are left to the analyzer.</summary>
internal static class EntityParser
{
    public static Located<EntityModel>? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0)
        {
            return null;
        }

        var settings = ReadAttribute(context.Attributes[0]);
        if (settings is null || FindKey(type, settings.Value.Key) is null)
        {
            return null;
        }

        var (name, key, collection) = settings.Value;
        var model = new EntityModel(name, type.FullName(), type.Name, type.Namespace(), key, collection ?? Pluralizer.Pluralize(type.Name), IndexKeys.Models(type));
        return new Located<EntityModel>(model, LocationInfo.From(type));
    }

    /// <summary>The entity name, key property name and collection name override of a <c>[SyncEntity]</c>.</summary>
    public static (string Name, string Key, string? CollectionName)? ReadAttribute(AttributeData attribute)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string name ||
            string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var key = KnownNames.DefaultKey;
        string? collection = null;
        foreach (var argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Key" when argument.Value.Value is string value && value.Length > 0:
                    key = value;
                    break;
                case "CollectionName" when argument.Value.Value is string value && value.Length > 0:
                    collection = value;
                    break;
            }
        }

        return (name, key, collection);
    }

    /// <summary>The readable, public, instance <c>string</c> property named <paramref name="key"/>, searching base types.</summary>
    public static IPropertySymbol? FindKey(INamedTypeSymbol type, string key)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            var property = current.GetMembers(key).OfType<IPropertySymbol>().FirstOrDefault();
            if (property is not null)
            {
                return property is { IsStatic: false, DeclaredAccessibility: Accessibility.Public, GetMethod: not null } &&
                       property.Type.SpecialType == SpecialType.System_String
                    ? property
                    : null;
            }
        }

        return null;
    }
}
