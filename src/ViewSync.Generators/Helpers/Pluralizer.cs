using System;
using System.Collections.Generic;

namespace ViewSync.Generators.Helpers;

/// <summary>English plurals for collection names: Todo → Todos, Category → Categories, Status → Statuses.</summary>
internal static class Pluralizer
{
    private static readonly Dictionary<string, string> s_irregular = new(StringComparer.Ordinal)
    {
        ["Person"] = "People",
        ["Child"] = "Children",
        ["Man"] = "Men",
        ["Woman"] = "Women",
        ["Mouse"] = "Mice",
        ["Goose"] = "Geese",
        ["Foot"] = "Feet",
        ["Tooth"] = "Teeth",
        ["Datum"] = "Data",
        ["Index"] = "Indices",
        ["Matrix"] = "Matrices",
        ["Vertex"] = "Vertices",
    };

    private static readonly HashSet<string> s_unchanged = new(StringComparer.Ordinal)
    {
        "Sheep", "Fish", "Series", "Species", "Deer", "Data", "Information", "Equipment", "News", "Metadata",
    };

    public static string Pluralize(string name)
    {
        if (name.Length == 0)
        {
            return name;
        }

        // Pluralise the last word of a PascalCase name: TodoItem → TodoItems, UserStatus → UserStatuses.
        var start = name.Length - 1;
        while (start > 0 && !char.IsUpper(name[start]))
        {
            start--;
        }

        var head = name.Substring(0, start);
        var word = name.Substring(start);
        return head + PluralizeWord(word);
    }

    private static string PluralizeWord(string word)
    {
        if (s_unchanged.Contains(word))
        {
            return word;
        }

        if (s_irregular.TryGetValue(word, out var irregular))
        {
            return irregular;
        }

        var lower = word.ToLowerInvariant();
        if (lower.Length > 1 && lower.EndsWith("y", StringComparison.Ordinal) && !IsVowel(lower[lower.Length - 2]))
        {
            return word.Substring(0, word.Length - 1) + "ies";
        }

        if (lower.EndsWith("s", StringComparison.Ordinal) || lower.EndsWith("x", StringComparison.Ordinal) ||
            lower.EndsWith("z", StringComparison.Ordinal) || lower.EndsWith("ch", StringComparison.Ordinal) ||
            lower.EndsWith("sh", StringComparison.Ordinal))
        {
            return word + "es";
        }

        if (lower.EndsWith("fe", StringComparison.Ordinal) && lower != "safe" && lower != "cafe")
        {
            return word.Substring(0, word.Length - 2) + "ves";
        }

        return word + "s";
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';
}
