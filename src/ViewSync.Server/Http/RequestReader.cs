using System.Text.Json;
using System.Text.Unicode;
using ViewSync.Mutations;
using ViewSync.Protocol;

namespace ViewSync.Server.Http;

/// <summary>
/// Reads push, pull and snapshot bodies with <see cref="Utf8JsonReader"/>: strict about what the
/// protocol needs, lenient about fields it does not know, and with its own error messages (which
/// name JSON paths, never .NET types). Every failure is a <see cref="RequestException"/>.
/// </summary>
internal static class RequestReader
{
    /// <summary>Longest id or scope a server keeps (characters); a client's ids are 32 hex digits.</summary>
    public const int MaxKeyLength = 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static IReadOnlyList<Mutation> ReadPush(ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        List<Mutation>? mutations = null;
        ReadObject(body, (ref Utf8JsonReader reader) =>
        {
            if (!reader.ValueTextEquals("mutations"u8))
            {
                return false;
            }

            Read(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                mutations = null;
                return true;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new RequestException($"\"mutations\" must be an array, but found {Describe(reader.TokenType)}.");
            }

            mutations = [];
            while (true)
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    return true;
                }

                if (mutations.Count == PushRequest.MaxBatch)
                {
                    throw new RequestException($"A push holds at most {PushRequest.MaxBatch} mutations; this one has more. Split the batch.");
                }

                var element = JsonElement.ParseValue(ref reader);
                mutations.Add(ToMutation(element, mutations.Count, now));
            }
        });
        return mutations ?? [];
    }

    public static (string? Scope, ulong Cursor, long Limit) ReadPull(ReadOnlySpan<byte> body)
    {
        string? scope = null;
        ulong cursor = 0;
        long limit = 0;
        ReadObject(body, (ref Utf8JsonReader reader) =>
        {
            if (reader.ValueTextEquals("scope"u8))
            {
                scope = ReadScope(ref reader);
            }
            else if (reader.ValueTextEquals("cursor"u8))
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.Null)
                {
                    cursor = 0;
                }
                else if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out cursor))
                {
                    throw new RequestException($"\"cursor\" must be an unsigned 64-bit integer, but found {Describe(ref reader)}.");
                }
            }
            else if (reader.ValueTextEquals("limit"u8))
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.Null)
                {
                    limit = 0;
                }
                else if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out limit))
                {
                    throw new RequestException($"\"limit\" must be an integer, but found {Describe(ref reader)}.");
                }
            }
            else
            {
                return false;
            }

            return true;
        });
        return (scope, cursor, limit);
    }

    public static string? ReadSnapshot(ReadOnlySpan<byte> body)
    {
        string? scope = null;
        ReadObject(body, (ref Utf8JsonReader reader) =>
        {
            if (!reader.ValueTextEquals("scope"u8))
            {
                return false;
            }

            scope = ReadScope(ref reader);
            return true;
        });
        return scope;
    }

    private delegate bool PropertyReader(ref Utf8JsonReader reader);

    /// <summary>Reads one top-level object; <paramref name="property"/> reads the fields it knows, the rest are skipped.</summary>
    private static void ReadObject(ReadOnlySpan<byte> body, PropertyReader property)
    {
        if (!Utf8.IsValid(body))
        {
            throw new RequestException("the body is not valid UTF-8.");
        }

        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                throw new RequestException("the body is JSON null, not an object.");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new RequestException($"the body must be a JSON object, but found {Describe(reader.TokenType)}.");
            }

            while (true)
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                if (!property(ref reader))
                {
                    Read(ref reader);
                    reader.Skip();
                }
            }

            if (reader.Read())
            {
                throw new RequestException("the body has more after its JSON object.");
            }
        }
        catch (JsonException e)
        {
            // The reader's own messages name positions, not types.
            throw new RequestException($"malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}.");
        }
    }

    private static Mutation ToMutation(JsonElement element, int index, DateTimeOffset now)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException($"mutations[{index}] must be a JSON object, but found {Describe(element.ValueKind)}.");
        }

        var id = RequiredString(element, index, "id");
        var name = RequiredString(element, index, "name");
        var scope = element.TryGetProperty("scope", out var scopeValue) ? OptionalString(scopeValue, index, "scope") : null;
        if (!element.TryGetProperty("args", out var args))
        {
            throw new RequestException($"mutations[{index}] is missing \"args\" (required: id, name, args; an absent scope means {Scopes.Default}).");
        }

        if (!IsValidText(args))
        {
            throw new RequestException($"mutations[{index}].args holds a string that is not valid Unicode (a lone surrogate).");
        }

        if (scope is { Length: > 0 } && string.IsNullOrWhiteSpace(scope))
        {
            throw new RequestException($"mutations[{index}].scope is only white space; leave it out or empty for {Scopes.Default}.");
        }

        try
        {
            // client and seq are the client's bookkeeping, never wire fields: the server ignores them.
            return new Mutation(id, name, Scopes.Normalize(scope), Mutation.UnknownClient, 0, args, now);
        }
        catch (ArgumentException)
        {
            throw new RequestException($"mutations[{index}] holds an invalid value.");
        }
    }

    private static string RequiredString(JsonElement mutation, int index, string field)
    {
        if (!mutation.TryGetProperty(field, out var value))
        {
            throw new RequestException($"mutations[{index}] is missing \"{field}\" (required: id, name, args).");
        }

        var text = OptionalString(value, index, field);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new RequestException($"mutations[{index}].{field} must be a non-empty string.");
        }

        return text;
    }

    private static string? OptionalString(JsonElement value, int index, string field)
    {
        if (value.ValueKind == JsonValueKind.Null && field == "scope")
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new RequestException($"mutations[{index}].{field} must be a string, but found {Describe(value.ValueKind)}.");
        }

        var text = TryGetString(value) ?? throw new RequestException($"mutations[{index}].{field} is not valid Unicode (a lone surrogate).");
        if (text.Length > MaxKeyLength)
        {
            throw new RequestException($"mutations[{index}].{field} is longer than {MaxKeyLength} characters.");
        }

        return text;
    }

    private static string? ReadScope(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new RequestException($"\"scope\" must be a string, but found {Describe(reader.TokenType)}.");
        }

        string? scope;
        try
        {
            scope = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            scope = null;
        }

        if (scope is null || !IsValidUtf16(scope))
        {
            throw new RequestException("\"scope\" is not valid Unicode (a lone surrogate).");
        }

        return scope.Length <= MaxKeyLength ? scope : throw new RequestException($"\"scope\" is longer than {MaxKeyLength} characters.");
    }

    /// <summary>Whether every string and property name in <paramref name="value"/> decodes to valid UTF-16.</summary>
    private static bool IsValidText(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return TryGetString(value) is not null;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (!IsValidText(item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (!IsValidUtf16(property.Name) || !IsValidText(property.Value))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static string? TryGetString(JsonElement value)
    {
        try
        {
            var text = value.GetString();
            return text is not null && IsValidUtf16(text) ? text : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new RequestException("the JSON ends before the object is complete.");
        }
    }

    private static string Describe(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number ? "a number out of range" : Describe(reader.TokenType);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "something else",
    };

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

/// <summary>A request body that is not what the protocol asks for: <c>400 invalid_mutation</c>.</summary>
internal sealed class RequestException(string message) : Exception(message);
