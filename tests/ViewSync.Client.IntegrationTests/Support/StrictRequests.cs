using System.Text.Json;
using ViewSync.Protocol;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>One mutation of a push, as the strict server decoded it.</summary>
internal sealed record StrictMutation(string Id, string Name, string Scope, JsonElement Args);

/// <summary>
/// Decodes request bodies as the Go transport does (<c>json.Decoder.DisallowUnknownFields</c>): any
/// field the protocol does not list for that request — even <c>client</c> or <c>seq</c> — fails the
/// whole request. Field names must match exactly (Go would also accept other casings; no ViewSync
/// client sends them). Absent fields take their zero value, as in Go.
/// </summary>
internal static class StrictRequests
{
    public static IReadOnlyList<StrictMutation> ReadPush(byte[] body)
    {
        using var document = Parse(body);
        var mutations = new List<StrictMutation>();
        foreach (var field in Fields(document.RootElement, "push request", "mutations"))
        {
            if (field.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (field.Value.ValueKind != JsonValueKind.Array)
            {
                throw new StrictRequestException($"json: cannot unmarshal {field.Value.ValueKind} into field mutations");
            }

            foreach (var item in field.Value.EnumerateArray())
            {
                string id = "", name = "", scope = "";
                JsonElement args = default;
                foreach (var mutationField in Fields(item, "mutation", "id", "name", "scope", "args"))
                {
                    switch (mutationField.Name)
                    {
                        case "id": id = String(mutationField); break;
                        case "name": name = String(mutationField); break;
                        case "scope": scope = String(mutationField); break;
                        default: args = mutationField.Value.Clone(); break;
                    }
                }

                if (id.Length == 0 || name.Length == 0)
                {
                    throw new StrictRequestException("sync: invalid mutation: id and name are required");
                }

                mutations.Add(new StrictMutation(id, name, Scopes.Normalize(scope), args.ValueKind == JsonValueKind.Undefined ? JsonNull : args));
            }
        }

        return mutations;
    }

    public static (string Scope, ulong Cursor, int Limit) ReadPull(byte[] body)
    {
        using var document = Parse(body);
        string scope = "";
        ulong cursor = 0;
        var limit = 0;
        foreach (var field in Fields(document.RootElement, "pull request", "scope", "cursor", "limit"))
        {
            switch (field.Name)
            {
                case "scope": scope = String(field); break;
                case "cursor":
                    cursor = field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetUInt64(out var c)
                        ? c
                        : throw new StrictRequestException("json: cannot unmarshal into field cursor of type uint64");
                    break;
                default:
                    limit = field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var l)
                        ? l
                        : throw new StrictRequestException("json: cannot unmarshal into field limit of type int");
                    break;
            }
        }

        return (Scopes.Normalize(scope), cursor, limit);
    }

    public static string ReadSnapshot(byte[] body)
    {
        using var document = Parse(body);
        var scope = "";
        foreach (var field in Fields(document.RootElement, "snapshot request", "scope"))
        {
            scope = String(field);
        }

        return Scopes.Normalize(scope);
    }

    /// <summary>A live frame from the client: exactly <c>topic</c> and <c>data</c>.</summary>
    public static string ReadLiveTopic(ReadOnlySpan<byte> frame)
    {
        using var document = Parse(frame.ToArray());
        var topic = "";
        foreach (var field in Fields(document.RootElement, "live message", "topic", "data"))
        {
            if (field.Name == "topic")
            {
                topic = String(field);
            }
        }

        return topic;
    }

    private static readonly JsonElement JsonNull = JsonDocument.Parse("null").RootElement.Clone();

    private static JsonDocument Parse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new StrictRequestException($"invalid JSON: {e.Message}");
        }
    }

    private static IEnumerable<JsonProperty> Fields(JsonElement element, string what, params string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new StrictRequestException($"json: cannot unmarshal {element.ValueKind} into a {what}");
        }

        foreach (var field in element.EnumerateObject())
        {
            if (!known.Contains(field.Name, StringComparer.Ordinal))
            {
                throw new StrictRequestException($"json: unknown field \"{field.Name}\"");
            }

            yield return field;
        }
    }

    private static string String(JsonProperty field) => field.Value.ValueKind switch
    {
        JsonValueKind.String => field.Value.GetString()!,
        JsonValueKind.Null => "",
        _ => throw new StrictRequestException($"json: cannot unmarshal {field.Value.ValueKind} into field {field.Name} of type string"),
    };
}
