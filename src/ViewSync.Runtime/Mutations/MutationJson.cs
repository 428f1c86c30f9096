using System.Buffers;
using System.Text.Json;

namespace ViewSync.Mutations;

/// <summary>
/// Reads and writes <see cref="Mutation"/> JSON with <see cref="Utf8JsonWriter"/> and
/// <see cref="Utf8JsonReader"/>: no reflection, so it works under trimming and Native AOT.
/// </summary>
/// <remarks>
/// <para>The wire form is exactly the protocol's <c>id</c>, <c>name</c>, <c>scope</c>, <c>args</c>: a
/// strict server (the Go engine) refuses a whole push for any other field. The persisted form adds
/// the local bookkeeping fields <c>client</c>, <c>seq</c> and <c>created_at</c>.</para>
/// <para>Reading accepts both forms and ignores fields it does not know. A mutation without
/// <c>client</c> (any wire mutation) gets <see cref="Mutation.UnknownClient"/>; without <c>seq</c>, 0;
/// without <c>scope</c> (or with an empty one), <see cref="Protocol.Scopes.Default"/>.</para>
/// </remarks>
internal static class MutationJson
{
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ScopeName = JsonEncodedText.Encode("scope");
    private static readonly JsonEncodedText ClientName = JsonEncodedText.Encode("client");
    private static readonly JsonEncodedText SeqName = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText ArgsName = JsonEncodedText.Encode("args");
    private static readonly JsonEncodedText CreatedAtName = JsonEncodedText.Encode("created_at");

    public static void Write(Utf8JsonWriter writer, Mutation mutation, bool includeLocalFields)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString(IdName, mutation.Id);
        writer.WriteString(NameName, mutation.Name);
        writer.WriteString(ScopeName, mutation.Scope);
        if (includeLocalFields)
        {
            writer.WriteString(ClientName, mutation.Client);
            writer.WriteNumber(SeqName, mutation.Seq);
        }

        writer.WritePropertyName(ArgsName);
        mutation.WriteArgs(writer);
        if (includeLocalFields)
        {
            writer.WriteString(CreatedAtName, mutation.CreatedAt);
        }

        writer.WriteEndObject();
    }

    public static byte[] ToUtf8(Mutation mutation, bool includeLocalFields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, mutation, includeLocalFields);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, Mutation mutation, bool includeLocalFields)
    {
        using var writer = new Utf8JsonWriter(output);
        Write(writer, mutation, includeLocalFields);
    }

    public static Mutation Read(ref Utf8JsonReader reader, DateTimeOffset createdAt)
    {
        if (reader.TokenType is JsonTokenType.None or JsonTokenType.PropertyName)
        {
            Next(ref reader);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A mutation must be a JSON object, but found {reader.TokenType}.");
        }

        string? id = null, name = null, scope = null, client = null;
        ulong? seq = null;
        JsonElement? args = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.ValueTextEquals(IdName.EncodedUtf8Bytes))
            {
                id = ReadString(ref reader, "id");
            }
            else if (reader.ValueTextEquals(NameName.EncodedUtf8Bytes))
            {
                name = ReadString(ref reader, "name");
            }
            else if (reader.ValueTextEquals(ScopeName.EncodedUtf8Bytes))
            {
                scope = ReadString(ref reader, "scope");
            }
            else if (reader.ValueTextEquals(ClientName.EncodedUtf8Bytes))
            {
                client = ReadString(ref reader, "client");
            }
            else if (reader.ValueTextEquals(SeqName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var value))
                {
                    throw new JsonException("A mutation's \"seq\" must be an unsigned 64-bit integer.");
                }

                seq = value;
            }
            else if (reader.ValueTextEquals(ArgsName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                // ParseValue returns a standalone element that owns its memory.
                args = JsonElement.ParseValue(ref reader);
            }
            else if (reader.ValueTextEquals(CreatedAtName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
                {
                    throw new JsonException("A mutation's \"created_at\" must be an ISO 8601 date and time string.");
                }

                createdAt = value;
            }
            else
            {
                // Unknown fields are ignored, as the protocol requires.
                Next(ref reader);
                reader.Skip();
            }
        }

        // The protocol: an empty scope means the default scope; Go clients may also leave it out.
        if (string.IsNullOrEmpty(scope))
        {
            scope = Protocol.Scopes.Default;
        }

        var missing = id is null ? "id" : name is null ? "name" : args is null ? "args" : null;
        if (missing is not null)
        {
            throw new JsonException($"A mutation object is missing the required field \"{missing}\" (required: id, name, args; scope defaults to {Protocol.Scopes.Default}).");
        }

        try
        {
            // client and seq are local bookkeeping, absent from the wire form.
            return new Mutation(id!, name!, scope!, client ?? Mutation.UnknownClient, seq ?? 0, args!.Value, createdAt);
        }
        catch (ArgumentException e)
        {
            throw new JsonException($"The mutation JSON holds an invalid value: {e.Message}", e);
        }
    }

    private static string ReadString(ref Utf8JsonReader reader, string field)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A mutation's \"{field}\" must be a JSON string, but found {reader.TokenType}.");
        }

        return reader.GetString()!;
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The mutation JSON ended before the object was complete.");
        }
    }
}
