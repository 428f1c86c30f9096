using System;

namespace ViewSync;

/// <summary>
/// Marks a record or class as a synchronised entity. The source generator adds a typed
/// collection for it to every <see cref="SyncDatabaseAttribute"/> database.
/// </summary>
/// <remarks>
/// The entity name is the wire name used in mutations and changes (<c>todo</c> in
/// <c>todo.create</c>); keep it stable, since renaming it orphans stored data.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SyncEntityAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The entity's wire name, for example <c>todo</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or blank.</exception>
    public SyncEntityAttribute(string name)
    {
        if (name is null || name.Trim().Length == 0)
        {
            throw new ArgumentException("An entity name must be a non-empty string such as \"todo\".", nameof(name));
        }

        Name = name;
    }

    /// <summary>The entity's wire name.</summary>
    public string Name { get; }

    /// <summary>The name of the string property that holds the entity's id. Defaults to <c>Id</c>.</summary>
    public string Key { get; set; } = "Id";

    /// <summary>
    /// The name of the collection property generated on the database, for example <c>Todos</c>.
    /// When unset, the generator pluralises the type name.
    /// </summary>
    public string? CollectionName { get; set; }
}
