using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ViewSync.Mutations;

/// <summary>
/// One change requested by the application, as it is queued, persisted and pushed to the server.
/// </summary>
/// <remarks>
/// <para>
/// The wire fields (<see cref="Id"/>, <see cref="Name"/>, <see cref="Scope"/>, <see cref="Args"/>)
/// follow the protocol's <c>push</c> body and are all a push sends. <see cref="Client"/>,
/// <see cref="Seq"/> and <see cref="CreatedAt"/> are local bookkeeping: persisted, never sent.
/// </para>
/// <para>
/// A mutation is immutable: <see cref="Args"/> is a standalone copy that does not depend on any
/// <see cref="JsonDocument"/> the caller may dispose. Two mutations are equal when every field is
/// equal, <see cref="Args"/> being compared structurally.
/// </para>
/// </remarks>
[System.Text.Json.Serialization.JsonConverter(typeof(Protocol.MutationJsonConverter))]
public sealed record Mutation
{
    /// <summary>Creates a mutation after validating every field.</summary>
    /// <param name="id">The mutation's unique id, usually from <see cref="MutationIds.NewMutationId"/>.</param>
    /// <param name="name">The mutator's name, for example <c>todo.create</c>.</param>
    /// <param name="scope">The scope the mutation applies to, for example <c>user:123</c>.</param>
    /// <param name="client">The id of the client that created the mutation.</param>
    /// <param name="seq">The client's sequence number for this mutation.</param>
    /// <param name="args">The mutator's arguments. A copy is kept, so the caller may dispose the source document.</param>
    /// <param name="createdAt">When the mutation was created (local; not sent on the wire).</param>
    /// <exception cref="ArgumentNullException">A string argument is null.</exception>
    /// <exception cref="ArgumentException">A string argument is empty or white space, or <paramref name="args"/> holds no value.</exception>
    public Mutation(string id, string name, string scope, string client, ulong seq, JsonElement args, DateTimeOffset createdAt)
    {
        Id = Require(id, nameof(id), "a unique id such as MutationIds.NewMutationId()");
        Name = Require(name, nameof(name), "the mutator's name, for example \"todo.create\"");
        Scope = Require(scope, nameof(scope), "the scope the mutation applies to, for example \"user:123\"");
        Client = Require(client, nameof(client), "the client id, for example MutationIds.NewClientId()");
        if (args.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException(
                $"Mutation '{name}' has no arguments: pass a JSON value (mutators take an object such as {{\"id\": \"abc\"}}), not default(JsonElement).",
                nameof(args));
        }

        Seq = seq;
        // Clone detaches the value from a document the caller may dispose; it is free for values that are already standalone.
        _args = new StrongBox<JsonElement>(args.Clone());
        CreatedAt = createdAt;
    }

    /// <summary>
    /// A mutation whose arguments are UTF-8 JSON the runtime itself wrote (a built-in create, update or delete):
    /// kept as they are, never parsed unless someone reads <see cref="Args"/>. The caller vouches that
    /// <paramref name="utf8Args"/> is one JSON object and that nobody changes its bytes.
    /// </summary>
    internal static Mutation FromTrustedUtf8(string id, string name, string scope, string client, ulong seq, byte[] utf8Args, DateTimeOffset createdAt) =>
        new(utf8Args, id, name, scope, client, seq, createdAt);

    private Mutation(byte[] utf8Args, string id, string name, string scope, string client, ulong seq, DateTimeOffset createdAt)
    {
        Id = id;
        Name = name;
        Scope = scope;
        Client = client;
        Seq = seq;
        _utf8Args = utf8Args;
        CreatedAt = createdAt;
    }

    /// <summary>The parsed arguments (set at construction, or on the first read of <see cref="Args"/> of a mutation made from UTF-8).</summary>
    private StrongBox<JsonElement>? _args;

    /// <summary>The arguments as written by the runtime, when the mutation was made from UTF-8; empty otherwise.</summary>
    private readonly byte[]? _utf8Args;

    /// <summary>
    /// The <see cref="Client"/> of a mutation read from JSON that names no client, as every wire
    /// mutation does (client ids are local bookkeeping): <c>_unknown</c>. A server never relies on it.
    /// </summary>
    public const string UnknownClient = "_unknown";

    /// <summary>The mutation's unique id (128 bits as 32 lowercase hex digits; see <see cref="MutationIds"/>). The server deduplicates by scope and id.</summary>
    public string Id { get; }

    /// <summary>The mutator's name, for example <c>todo.create</c>.</summary>
    public string Name { get; }

    /// <summary>The scope the mutation applies to, for example <c>user:123</c>.</summary>
    public string Scope { get; }

    /// <summary>
    /// The id of the client that created the mutation. Local: persisted, never sent; a mutation
    /// read from its wire form has <see cref="UnknownClient"/>.
    /// </summary>
    public string Client { get; }

    /// <summary>
    /// The client's sequence number: strictly increasing per client, across restarts. Local:
    /// persisted, never sent; a mutation read from its wire form has 0.
    /// </summary>
    public ulong Seq { get; }

    /// <summary>The mutator's arguments, as a standalone JSON value (an object for ViewSync's mutators).</summary>
    public JsonElement Args
    {
        get
        {
            if (Volatile.Read(ref _args) is { } parsed)
            {
                return parsed.Value;
            }

            // Made from UTF-8 the runtime wrote: parsed once, on first use (a rebase or a comparison), never on the write path.
            var reader = new Utf8JsonReader(_utf8Args);
            var box = new StrongBox<JsonElement>(JsonElement.ParseValue(ref reader));
            return (Interlocked.CompareExchange(ref _args, box, null) ?? box).Value;
        }
    }

    /// <summary>The arguments' UTF-8 JSON: the bytes the mutation was made from, or the parsed value's raw text.</summary>
    internal ReadOnlySpan<byte> Utf8Args => _utf8Args is null ? JsonMarshal.GetRawUtf8Value(Args) : _utf8Args;

    /// <summary>Writes the arguments: bytes the runtime wrote as they are (no parse), a parsed value as before.</summary>
    internal void WriteArgs(Utf8JsonWriter writer)
    {
        if (_utf8Args is null)
        {
            Args.WriteTo(writer);
        }
        else
        {
            writer.WriteRawValue(_utf8Args, skipInputValidation: true);
        }
    }

    /// <summary>The same mutation under another client id and sequence number, sharing the arguments (for mutations made before the journal opened).</summary>
    internal Mutation Renumbered(string client, ulong seq) =>
        _utf8Args is null ? new Mutation(Id, Name, Scope, client, seq, Args, CreatedAt) : FromTrustedUtf8(Id, Name, Scope, client, seq, _utf8Args, CreatedAt);

    /// <summary>When the mutation was created. Local only: persisted, but not part of the wire format.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Writes the mutation's wire form: exactly <c>{"id","name","scope","args"}</c>.</summary>
    /// <param name="writer">The writer to write one JSON object to.</param>
    public void WriteTo(Utf8JsonWriter writer) => MutationJson.Write(writer, this, includeLocalFields: false);

    /// <summary>
    /// Writes the mutation's local (persisted) form: the wire fields plus <c>client</c>, <c>seq</c>
    /// and <c>created_at</c>, for a journal that must restore every field.
    /// </summary>
    /// <param name="writer">The writer to write one JSON object to.</param>
    public void WritePersistedTo(Utf8JsonWriter writer) => MutationJson.Write(writer, this, includeLocalFields: true);

    /// <summary>Returns the mutation's wire form as UTF-8 JSON.</summary>
    /// <returns>A JSON object with exactly the fields <c>id</c>, <c>name</c>, <c>scope</c> and <c>args</c>.</returns>
    public byte[] ToUtf8Json() => MutationJson.ToUtf8(this, includeLocalFields: false);

    /// <summary>
    /// Reads one mutation from its wire or persisted form. Unknown fields are ignored; a missing
    /// <c>client</c> reads as <see cref="UnknownClient"/>, a missing <c>seq</c> as 0, and a missing or
    /// empty <c>scope</c> as <see cref="Protocol.Scopes.Default"/>.
    /// </summary>
    /// <param name="utf8Json">A JSON object with at least the fields <c>id</c>, <c>name</c> and <c>args</c>.</param>
    /// <param name="createdAt">
    /// The local creation time to give the mutation, since the wire form has none; a <c>created_at</c>
    /// field, when present, takes precedence.
    /// </param>
    /// <returns>The mutation.</returns>
    /// <exception cref="JsonException">The JSON is malformed, a field is missing or has the wrong type, or a value is invalid.</exception>
    public static Mutation FromUtf8Json(ReadOnlySpan<byte> utf8Json, DateTimeOffset createdAt)
    {
        var reader = new Utf8JsonReader(utf8Json);
        var mutation = ReadFrom(ref reader, createdAt);
        // Reading on makes the reader reject anything but white space after the object.
        _ = reader.Read();
        return mutation;
    }

    /// <summary>Reads one mutation object from a reader, for example from inside a <c>push</c> body.</summary>
    /// <param name="reader">
    /// A reader over complete JSON, positioned before or on the object's start. On return it is on the object's end.
    /// </param>
    /// <param name="createdAt">The local creation time when the JSON has no <c>created_at</c> field.</param>
    /// <returns>The mutation.</returns>
    /// <exception cref="JsonException">The JSON is malformed, a field is missing or has the wrong type, or a value is invalid.</exception>
    public static Mutation ReadFrom(ref Utf8JsonReader reader, DateTimeOffset createdAt) => MutationJson.Read(ref reader, createdAt);

    /// <inheritdoc/>
    public bool Equals(Mutation? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Seq == other.Seq
                && string.Equals(Id, other.Id, StringComparison.Ordinal)
                && string.Equals(Name, other.Name, StringComparison.Ordinal)
                && string.Equals(Scope, other.Scope, StringComparison.Ordinal)
                && string.Equals(Client, other.Client, StringComparison.Ordinal)
                && CreatedAt.Equals(other.CreatedAt)
                && JsonElement.DeepEquals(Args, other.Args)));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(
        StringComparer.Ordinal.GetHashCode(Id), StringComparer.Ordinal.GetHashCode(Name), StringComparer.Ordinal.GetHashCode(Scope), Seq);

    /// <summary>Describes the mutation without its arguments, for logs and messages.</summary>
    /// <returns>For example <c>todo.create #17 (7f3c…) in user:123</c>.</returns>
    public override string ToString() => $"{Name} #{Seq} ({Id}) in {Scope}";

    private static string Require(string value, string parameter, string expected)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"A mutation's {parameter} must not be empty or white space: pass {expected}.", parameter);
        }

        return value;
    }
}
