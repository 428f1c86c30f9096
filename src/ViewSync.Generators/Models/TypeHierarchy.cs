using ViewSync.Generators.Helpers;

namespace ViewSync.Generators.Models;

/// <summary>Just enough about a type to re-declare it as partial: its namespace and the types around it.</summary>
/// <param name="Namespace">The namespace, empty for the global namespace.</param>
/// <param name="Name">The type's own name.</param>
/// <param name="Keyword">"class" or "record".</param>
/// <param name="Containing">Containing types, outermost first.</param>
internal sealed record TypeHierarchy(string Namespace, string Name, string Keyword, EquatableArray<ContainingType> Containing)
{
    /// <summary>The fully qualified name with <c>global::</c>.</summary>
    public string FullName
    {
        get
        {
            var prefix = Namespace.Length == 0 ? "global::" : $"global::{Namespace}.";
            foreach (var type in Containing)
            {
                prefix += type.Name + ".";
            }

            return prefix + Name;
        }
    }

    /// <summary>A file-name-safe name for hint names.</summary>
    public string HintName
    {
        get
        {
            var name = Namespace.Length == 0 ? "" : Namespace + ".";
            foreach (var type in Containing)
            {
                name += type.Name + ".";
            }

            return name + Name;
        }
    }
}

/// <summary>A type that contains the database class.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Keyword">"class", "struct", "record", "record struct" or "interface".</param>
/// <param name="IsStatic">Whether it is static.</param>
internal sealed record ContainingType(string Name, string Keyword, bool IsStatic);
