using System;

namespace ViewSync;

/// <summary>
/// Marks a partial class as a ViewSync database. The generator fills it with one typed
/// collection per <see cref="SyncEntityAttribute"/> entity, a typed <c>Tx</c> for mutators,
/// typed <c>Mutate</c> helpers and the mutator dispatch table.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SyncDatabaseAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="jsonContext">
    /// The app's <c>System.Text.Json.Serialization.JsonSerializerContext</c> that declares every
    /// entity type and every non-primitive mutator parameter type. All JSON goes through it, so
    /// nothing relies on reflection.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="jsonContext"/> is null.</exception>
    public SyncDatabaseAttribute(Type jsonContext)
    {
        JsonContext = jsonContext ?? throw new ArgumentNullException(nameof(jsonContext));
    }

    /// <summary>The app's JSON serializer context type.</summary>
    public Type JsonContext { get; }
}
