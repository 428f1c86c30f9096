using System.Collections.Frozen;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ViewSync.Mutators;

/// <summary>
/// Maps mutator names to handlers, including the built-in <c>{entity}.create</c>,
/// <c>{entity}.update</c> and <c>{entity}.delete</c> of each registered entity type. The client
/// applies mutations optimistically through it and the server applies them authoritatively, so
/// both run the same code. Generated databases expose theirs as <c>Mutators</c>.
/// </summary>
public sealed class MutatorTable
{
    private readonly FrozenDictionary<string, MutatorHandler> _handlers;
    private readonly FrozenDictionary<string, EntityType> _entities;

    private MutatorTable(FrozenDictionary<string, MutatorHandler> handlers, FrozenDictionary<string, EntityType> entities)
    {
        _handlers = handlers;
        _entities = entities;
    }

    /// <summary>A table with no mutators and no entities.</summary>
    public static MutatorTable Empty { get; } = new Builder().Build();

    /// <summary>Every mutator name, built-ins included.</summary>
    public IReadOnlyCollection<string> Names => _handlers.Keys;

    /// <summary>The registered entity types, by wire name.</summary>
    public IReadOnlyDictionary<string, EntityType> Entities => _entities;

    /// <summary>
    /// Whether <paramref name="type"/> is the registered type of its name, so that its <c>create</c>, <c>update</c>
    /// and <c>delete</c> are the built-ins (an entity's built-in names cannot be taken by another mutator).
    /// </summary>
    internal bool HasBuiltIns(EntityType type) => _entities.TryGetValue(type.Name, out var registered) && ReferenceEquals(registered, type);

    /// <summary>Whether a mutator of that name exists.</summary>
    /// <param name="name">The mutator name.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool Contains(string name) => _handlers.ContainsKey(name);

    /// <summary>Runs mutator <paramref name="name"/> against <paramref name="transaction"/>.</summary>
    /// <param name="transaction">What the mutator reads and writes. On failure, discard its writes.</param>
    /// <param name="name">The mutator name.</param>
    /// <param name="args">The mutation's arguments (a JSON object).</param>
    /// <exception cref="MutationRejectedException">The mutator is unknown, the arguments are invalid, or the mutator rejected the mutation.</exception>
    public void Apply(IMutationTransaction transaction, string name, JsonElement args)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(name);
        if (!_handlers.TryGetValue(name, out var handler))
        {
            throw MutationRejectedException.Invalid($"Unknown mutator '{name}'. Known mutators: {string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal))}.");
        }

        handler(transaction, new MutationArgs(name, args));
    }

    /// <summary>Collects mutators and entity types into a <see cref="MutatorTable"/>.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, MutatorHandler> _handlers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, EntityType> _entities = new(StringComparer.Ordinal);

        /// <summary>Registers an entity type and its built-in <c>create</c>, <c>update</c> and <c>delete</c> mutators.</summary>
        /// <param name="type">The entity type.</param>
        /// <returns>This builder.</returns>
        /// <exception cref="ArgumentException">An entity or mutator of the same name is already registered.</exception>
        public Builder AddEntity(EntityType type)
        {
            ArgumentNullException.ThrowIfNull(type);
            if (!_entities.TryAdd(type.Name, type))
            {
                throw new ArgumentException($"Entity '{type.Name}' is registered twice; entity names must be unique.", nameof(type));
            }

            Add(type.CreateMutation, (tx, args) => Put(type, tx, args, mustExist: false));
            Add(type.UpdateMutation, (tx, args) => Put(type, tx, args, mustExist: true));
            Add(type.DeleteMutation, (tx, args) => tx.Delete(type.Name, args.GetString("id")));
            return this;
        }

        /// <summary>Registers a mutator.</summary>
        /// <param name="name">Its name, e.g. <c>todo.toggle</c>.</param>
        /// <param name="handler">Decodes the arguments and runs it.</param>
        /// <returns>This builder.</returns>
        /// <exception cref="ArgumentException">A mutator of the same name is already registered.</exception>
        public Builder Add(string name, MutatorHandler handler)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            ArgumentNullException.ThrowIfNull(handler);
            if (!_handlers.TryAdd(name, handler))
            {
                throw new ArgumentException($"Mutator '{name}' is registered twice; mutator names must be unique.", nameof(name));
            }

            return this;
        }

        /// <summary>Freezes the registrations into a table.</summary>
        /// <returns>The table.</returns>
        public MutatorTable Build() => new(_handlers.ToFrozenDictionary(StringComparer.Ordinal), _entities.ToFrozenDictionary(StringComparer.Ordinal));

        /// <summary>The built-in create (must not exist) and update (must exist): validate, then store the data.</summary>
        private static void Put(EntityType type, IMutationTransaction transaction, MutationArgs args, bool mustExist)
        {
            var id = args.GetString("id");
            if (!args.Json.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                throw MutationRejectedException.Invalid($"Mutation '{type.Name}.{(mustExist ? "update" : "create")}': argument 'data' must be the entity as a JSON object.");
            }

            var json = JsonMarshal.GetRawUtf8Value(data);
            type.Validate(id, json);
            var exists = transaction.TryGet(type.Name, id, out _);
            if (mustExist && !exists)
            {
                throw MutationRejectedException.Conflict($"{type.Name} '{id}' does not exist (it may have been deleted).");
            }

            if (!mustExist && exists)
            {
                throw MutationRejectedException.Conflict($"{type.Name} '{id}' already exists.");
            }

            transaction.Put(type.Name, id, json);
        }
    }
}
