using System;

namespace ViewSync;

/// <summary>
/// Declares an equality index on a property of a <see cref="SyncEntityAttribute"/> entity, for the common
/// "children of a parent" lookup. The generator adds a typed live lookup to the entity's collection, named
/// <c>By{Property}</c>: with <c>[SyncIndex] string ListId</c> on a todo, <c>db.Todos.ByListId(id)</c> is a live query
/// of the todos of that list, maintained from that key's rows only (order and window it further as any query).
/// </summary>
/// <remarks>
/// The property must be public and have a type with stable value equality: <c>string</c>, a number (not
/// <c>float</c> or <c>double</c>), <c>bool</c>, <c>char</c>, an enum, <c>Guid</c>, or a date or time type; anything
/// else is reported at build time (VSYNC022). Entities whose key is null are not indexed. On a positional record,
/// put it on the property: <c>record Todo(string Id, [property: SyncIndex] string ListId)</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class SyncIndexAttribute : Attribute
{
    /// <summary>The lookup method's name; defaults to <c>By</c> followed by the property's name.</summary>
    public string? MethodName { get; set; }
}
