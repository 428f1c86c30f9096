namespace ViewSync.Generators.Models;

/// <summary>One argument of a mutator.</summary>
/// <param name="Name">The C# parameter name (without <c>@</c>), which is also the JSON key.</param>
/// <param name="Type">The parameter type as written in generated code, <c>global::</c>-qualified, with <c>?</c> when nullable.</param>
/// <param name="Kind">How it is written to and read from JSON.</param>
/// <param name="IsNullable">Whether null is a valid value (nullable reference or <c>Nullable&lt;T&gt;</c>).</param>
/// <param name="JsonType">For <see cref="ArgumentKind.Json"/>: the type to look up in the JSON context, without nullable annotation.</param>
/// <param name="DefaultValue">The C# literal of the parameter's default value, or null when it has none.</param>
internal sealed record ParameterModel(string Name, string Type, ArgumentKind Kind, bool IsNullable, string JsonType, string? DefaultValue);

/// <summary>How a mutator argument is encoded. Primitives are written directly; the rest goes through the app's JSON context.</summary>
internal enum ArgumentKind
{
    String,
    Boolean,
    Int32,
    Int64,
    Double,
    Single,
    Decimal,
    Guid,
    DateTime,
    DateTimeOffset,
    Json,
}
