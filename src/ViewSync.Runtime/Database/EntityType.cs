using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ViewSync.Mutators;

namespace ViewSync;

/// <summary>Describes an entity type to the runtime: its wire name and how to check a JSON value of it.</summary>
public abstract class EntityType
{
    private protected EntityType(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        CreateMutation = name + ".create";
        UpdateMutation = name + ".update";
        DeleteMutation = name + ".delete";
    }

    /// <summary>The wire name, e.g. <c>todo</c>.</summary>
    public string Name { get; }

    /// <summary>The built-in create mutator's name, <c>{Name}.create</c> (one string, not one per mutation).</summary>
    internal string CreateMutation { get; }

    /// <summary>The built-in update mutator's name, <c>{Name}.update</c>.</summary>
    internal string UpdateMutation { get; }

    /// <summary>The built-in delete mutator's name, <c>{Name}.delete</c>.</summary>
    internal string DeleteMutation { get; }

    /// <summary>The .NET type of the entity.</summary>
    public abstract Type ClrType { get; }

    /// <summary>
    /// Checks that <paramref name="json"/> is a valid value of this entity whose key equals
    /// <paramref name="id"/>. Built-in <c>create</c>/<c>update</c> mutations use it so that bad data
    /// is rejected as <c>invalid_mutation</c> instead of stored.
    /// </summary>
    /// <param name="id">The id the value is stored under.</param>
    /// <param name="json">The entity's JSON.</param>
    /// <exception cref="MutationRejectedException">The value does not decode, or its key differs from <paramref name="id"/>.</exception>
    public abstract void Validate(string id, ReadOnlySpan<byte> json);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({ClrType.Name})";
}

/// <summary>Describes entity type <typeparamref name="T"/>: wire name, JSON metadata and key. Generated databases declare one per entity.</summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class EntityType<T> : EntityType
    where T : class
{
    private readonly JsonSerializerContext _context;
    private readonly Func<T, string> _key;
    private JsonTypeInfo<T>? _typeInfo;

    /// <summary>Creates a descriptor.</summary>
    /// <param name="name">The wire name, e.g. <c>todo</c>.</param>
    /// <param name="context">The app's JSON context; it must have metadata for <typeparamref name="T"/>.</param>
    /// <param name="key">Reads the entity's id.</param>
    public EntityType(string name, JsonSerializerContext context, Func<T, string> key)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        _context = context;
        _key = key;
    }

    /// <inheritdoc />
    public override Type ClrType => typeof(T);

    /// <summary>The JSON metadata, resolved from the context on first use.</summary>
    /// <exception cref="InvalidOperationException">The context has no metadata for <typeparamref name="T"/>.</exception>
    public JsonTypeInfo<T> TypeInfo => _typeInfo ??= JsonTypes.Get<T>(_context);

    /// <summary>Reads the id of <paramref name="entity"/>.</summary>
    /// <param name="entity">The entity.</param>
    /// <returns>Its id.</returns>
    /// <exception cref="ArgumentException">The id is null or empty.</exception>
    public string KeyOf(T entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var key = _key(entity);
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"A '{Name}' entity needs a non-empty id.", nameof(entity));
        }

        return key;
    }

    /// <summary>Encodes an entity as UTF-8 JSON.</summary>
    /// <param name="entity">The entity.</param>
    /// <returns>Its JSON.</returns>
    public byte[] Serialize(T entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return JsonSerializer.SerializeToUtf8Bytes(entity, TypeInfo);
    }

    /// <summary>Decodes an entity from UTF-8 JSON.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The entity.</returns>
    /// <exception cref="JsonException">The JSON is not a valid <typeparamref name="T"/>.</exception>
    public T Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, TypeInfo) ?? throw new JsonException($"A '{Name}' entity cannot be null.");

    /// <inheritdoc />
    public override void Validate(string id, ReadOnlySpan<byte> json)
    {
        T entity;
        try
        {
            entity = Deserialize(json);
        }
        catch (JsonException e)
        {
            throw MutationRejectedException.Invalid($"The data is not a valid '{Name}': {Describe(e)}");
        }

        var key = _key(entity);
        if (key is null)
        {
            throw MutationRejectedException.Invalid($"The '{Name}' data has no id; it must be stored under id '{id}'.");
        }

        if (!string.Equals(key, id, StringComparison.Ordinal))
        {
            throw MutationRejectedException.Invalid($"The '{Name}' data has id '{key}' but is stored under id '{id}'; they must match.");
        }
    }

    /// <summary>What was wrong, in JSON terms (a path and the members missing), never naming .NET types.</summary>
    private static string Describe(JsonException e)
    {
        const string Including = "including: ";
        var message = e.Message;
        if (message.Contains("missing required properties", StringComparison.Ordinal) && message.IndexOf(Including, StringComparison.Ordinal) is var at and >= 0)
        {
            return $"required members are missing: {message[(at + Including.Length)..].TrimEnd('.')}.";
        }

        return e.Path is { Length: > 0 } path && path != "$"
            ? $"the value at {path} is missing, of the wrong type or malformed."
            : "it is not a JSON object of that entity's shape.";
    }
}
