using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ViewSync.Mutators;

/// <summary>
/// Reads a mutation's <c>args</c> object, one typed argument at a time. Every failure (missing
/// argument, wrong JSON type) is a <see cref="MutationRejectedException"/> with code
/// <c>invalid_mutation</c> that names the mutator and the argument.
/// </summary>
public readonly struct MutationArgs
{
    private readonly JsonElement _args;
    private readonly string _mutator;

    /// <summary>Wraps a mutation's arguments.</summary>
    /// <param name="mutator">The mutator's name, for error messages.</param>
    /// <param name="args">The <c>args</c> value; it must be a JSON object.</param>
    /// <exception cref="MutationRejectedException"><paramref name="args"/> is not a JSON object.</exception>
    public MutationArgs(string mutator, JsonElement args)
    {
        if (args.ValueKind != JsonValueKind.Object)
        {
            throw MutationRejectedException.Invalid($"Mutation '{mutator}': args must be a JSON object, not {Describe(args.ValueKind)}.");
        }

        _mutator = mutator;
        _args = args;
    }

    /// <summary>The raw <c>args</c> object.</summary>
    public JsonElement Json => _args;

    /// <summary>Whether the argument is present (even as <c>null</c>).</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Has(string name) => _args.TryGetProperty(name, out _);

    /// <summary>Whether the argument is missing or <c>null</c>.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns><see langword="true"/> when missing or null.</returns>
    public bool IsNull(string name) => !_args.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null;

    /// <summary>Reads a required string.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public string GetString(string name) => Required(name, JsonValueKind.String, "a string").GetString()!;

    /// <summary>Reads an optional string.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public string? GetNullableString(string name) => IsNull(name) ? null : GetString(name);

    /// <summary>Reads a required boolean.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public bool GetBoolean(string name)
    {
        var value = Value(name);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(name, "true or false", value),
        };
    }

    /// <summary>Reads an optional boolean.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public bool? GetNullableBoolean(string name) => IsNull(name) ? null : GetBoolean(name);

    /// <summary>Reads a required 32-bit integer.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public int GetInt32(string name) => Required(name, JsonValueKind.Number, "an integer").TryGetInt32(out var v) ? v : throw WrongType(name, "a 32-bit integer", Value(name));

    /// <summary>Reads an optional 32-bit integer.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public int? GetNullableInt32(string name) => IsNull(name) ? null : GetInt32(name);

    /// <summary>Reads a required 64-bit integer.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public long GetInt64(string name) => Required(name, JsonValueKind.Number, "an integer").TryGetInt64(out var v) ? v : throw WrongType(name, "a 64-bit integer", Value(name));

    /// <summary>Reads an optional 64-bit integer.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public long? GetNullableInt64(string name) => IsNull(name) ? null : GetInt64(name);

    /// <summary>Reads a required double: a JSON number, or <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public double GetDouble(string name) => NamedLiteral(name) ?? Required(name, JsonValueKind.Number, "a number").GetDouble();

    /// <summary>Reads an optional double.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public double? GetNullableDouble(string name) => IsNull(name) ? null : GetDouble(name);

    /// <summary>Reads a required float: a JSON number, or <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public float GetSingle(string name) => NamedLiteral(name) is { } named ? (float)named : Required(name, JsonValueKind.Number, "a number").TryGetSingle(out var v) ? v : throw WrongType(name, "a 32-bit float", Value(name));

    /// <summary>Reads an optional float.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public float? GetNullableSingle(string name) => IsNull(name) ? null : GetSingle(name);

    /// <summary>Reads a required decimal.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public decimal GetDecimal(string name) => Required(name, JsonValueKind.Number, "a number").TryGetDecimal(out var v) ? v : throw WrongType(name, "a decimal", Value(name));

    /// <summary>Reads an optional decimal.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public decimal? GetNullableDecimal(string name) => IsNull(name) ? null : GetDecimal(name);

    /// <summary>Reads a required GUID.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public Guid GetGuid(string name) => Required(name, JsonValueKind.String, "a GUID string").TryGetGuid(out var v) ? v : throw WrongType(name, "a GUID string", Value(name));

    /// <summary>Reads an optional GUID.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public Guid? GetNullableGuid(string name) => IsNull(name) ? null : GetGuid(name);

    /// <summary>Reads a required ISO 8601 date and time.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public DateTime GetDateTime(string name) => Required(name, JsonValueKind.String, "an ISO 8601 date").TryGetDateTime(out var v) ? v : throw WrongType(name, "an ISO 8601 date", Value(name));

    /// <summary>Reads an optional ISO 8601 date and time.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public DateTime? GetNullableDateTime(string name) => IsNull(name) ? null : GetDateTime(name);

    /// <summary>Reads a required ISO 8601 date and time with offset.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value.</returns>
    public DateTimeOffset GetDateTimeOffset(string name) => Required(name, JsonValueKind.String, "an ISO 8601 date").TryGetDateTimeOffset(out var v) ? v : throw WrongType(name, "an ISO 8601 date", Value(name));

    /// <summary>Reads an optional ISO 8601 date and time with offset.</summary>
    /// <param name="name">The argument's name.</param>
    /// <returns>The value, or null when missing or null.</returns>
    public DateTimeOffset? GetNullableDateTimeOffset(string name) => IsNull(name) ? null : GetDateTimeOffset(name);

    /// <summary>Reads a required argument of any type through the app's JSON metadata.</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="name">The argument's name.</param>
    /// <param name="typeInfo">The metadata from the app's JSON context.</param>
    /// <returns>The value.</returns>
    public T Get<T>(string name, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var value = Value(name);
        try
        {
            return value.Deserialize(typeInfo) ?? throw WrongType(name, typeof(T).Name, value);
        }
        catch (JsonException e)
        {
            throw MutationRejectedException.Invalid($"Mutation '{_mutator}': argument '{name}' is not a valid {typeof(T).Name}: {e.Message}");
        }
    }

    private JsonElement Value(string name) =>
        _args.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw MutationRejectedException.Invalid($"Mutation '{_mutator}': argument '{name}' is missing.");

    /// <summary>NaN or an infinity, written as a string since JSON numbers cannot hold them; null for anything else.</summary>
    private double? NamedLiteral(string name) =>
        Value(name) is { ValueKind: JsonValueKind.String } value
            ? value.GetString() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => throw WrongType(name, "a number", value),
            }
            : null;

    private JsonElement Required(string name, JsonValueKind kind, string expected)
    {
        var value = Value(name);
        return value.ValueKind == kind ? value : throw WrongType(name, expected, value);
    }

    private MutationRejectedException WrongType(string name, string expected, JsonElement actual) =>
        MutationRejectedException.Invalid($"Mutation '{_mutator}': argument '{name}' must be {expected}, not {Describe(actual.ValueKind)}.");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
