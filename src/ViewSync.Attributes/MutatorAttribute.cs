using System;

namespace ViewSync;

/// <summary>
/// Marks a static method as a mutator: a named, deterministic change that runs optimistically
/// on the client and authoritatively on the server.
/// </summary>
/// <remarks>
/// The first parameter is the database's <c>Tx</c>; the others become the mutation's
/// <c>args</c> object, keyed by parameter name. Mutators must be deterministic (no clock,
/// no randomness, no I/O): the client replays them when it rebases on new server state.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class MutatorAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The mutator's wire name, for example <c>todo.toggle</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or blank.</exception>
    public MutatorAttribute(string name)
    {
        if (name is null || name.Trim().Length == 0)
        {
            throw new ArgumentException("A mutator name must be a non-empty string such as \"todo.toggle\".", nameof(name));
        }

        Name = name;
    }

    /// <summary>The mutator's wire name.</summary>
    public string Name { get; }
}
