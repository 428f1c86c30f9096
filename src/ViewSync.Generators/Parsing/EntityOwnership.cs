using System;
using System.Collections.Generic;
using System.Linq;

namespace ViewSync.Generators.Parsing;

/// <summary>
/// Decides which database an entity belongs to. With one <c>[SyncDatabase]</c> in the compilation it
/// gets every entity. With several, an entity belongs to the database declared in its own namespace
/// or, failing that, in the nearest enclosing one; when no database or more than one database
/// qualifies at that level the entity is ambiguous (VSYNC011) and belongs to none.
/// Mutators need no rule: their first parameter names the database.
/// </summary>
internal static class EntityOwnership
{
    /// <returns>The owning database's index in <paramref name="databaseNamespaces"/>, or -1 when ambiguous or unowned.</returns>
    public static int FindOwner(IReadOnlyList<string> databaseNamespaces, string entityNamespace)
    {
        if (databaseNamespaces.Count == 1)
        {
            return 0;
        }

        var best = -1;
        var bestLength = -1;
        var tie = false;
        for (var i = 0; i < databaseNamespaces.Count; i++)
        {
            var ns = databaseNamespaces[i];
            if (!Encloses(ns, entityNamespace))
            {
                continue;
            }

            if (ns.Length > bestLength)
            {
                best = i;
                bestLength = ns.Length;
                tie = false;
            }
            else if (ns.Length == bestLength)
            {
                tie = true;
            }
        }

        return tie ? -1 : best;
    }

    private static bool Encloses(string outer, string inner) =>
        outer.Length == 0 ||
        string.Equals(outer, inner, StringComparison.Ordinal) ||
        (inner.StartsWith(outer, StringComparison.Ordinal) && inner.Length > outer.Length && inner[outer.Length] == '.');

    public static IReadOnlyList<string> Namespaces<T>(IEnumerable<T> databases, Func<T, string> ns) => databases.Select(ns).ToList();
}
