using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Store;

namespace ViewSync.Browser;

/// <summary>
/// The JSON records <see cref="LocalStoragePersistence"/> keeps, one per key, written with
/// <see cref="Utf8JsonWriter"/> and read with <see cref="JsonDocument"/>: no reflection. Entity values are
/// embedded as raw JSON, so they come back byte for byte. A record that does not parse throws
/// <see cref="JsonException"/>.
/// </summary>
internal static class LocalStorageRecords
{
    public const int Format = 1;

    /// <summary><c>{"format":1,"client_id":"…","last_seq":N}</c></summary>
    public static string Client(string clientId, ulong lastSeq) => Write(w =>
    {
        w.WriteNumber("format", Format);
        w.WriteString("client_id", clientId);
        w.WriteNumber("last_seq", lastSeq);
    });

    public static (string ClientId, ulong LastSeq) ReadClient(string json)
    {
        using var document = Parse(json);
        var root = document.RootElement;
        var clientId = root.GetProperty("client_id").GetString();
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new JsonException("The client record has no client_id.");
        }

        return (clientId, root.GetProperty("last_seq").GetUInt64());
    }

    /// <summary><c>{"created_at":"…","mutation":{persisted form, with client and seq}}</c></summary>
    public static string Mutation(Mutation mutation) => Write(w =>
    {
        w.WriteString("created_at", mutation.CreatedAt);
        w.WritePropertyName("mutation");
        mutation.WritePersistedTo(w);
    });

    public static Mutation ReadMutation(string json)
    {
        using var document = Parse(json);
        var root = document.RootElement;
        var createdAt = root.GetProperty("created_at").GetDateTimeOffset();
        return Mutations.Mutation.FromUtf8Json(JsonMarshal.GetRawUtf8Value(root.GetProperty("mutation")), createdAt);
    }

    /// <summary><c>{"version":V,"cursor":C,"entities":{"todo":{"a":{…}}}}</c></summary>
    public static string Store(StoreSnapshot store, ulong version, ulong cursor) => Write(w =>
    {
        w.WriteNumber("version", version);
        w.WriteNumber("cursor", cursor);
        w.WriteStartObject("entities");
        foreach (var (entity, ids) in store.Entities)
        {
            w.WriteStartObject(entity);
            foreach (var (id, value) in ids)
            {
                w.WritePropertyName(id);
                w.WriteRawValue(value.Span, skipInputValidation: true);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    });

    public static (StoreSnapshot Store, ulong Version, ulong Cursor) ReadStore(string json)
    {
        using var document = Parse(json);
        var root = document.RootElement;
        var builder = new StoreSnapshot.Builder();
        var any = false;
        foreach (var entity in root.GetProperty("entities").EnumerateObject())
        {
            foreach (var entry in entity.Value.EnumerateObject())
            {
                builder.Add(entity.Name, entry.Name, JsonMarshal.GetRawUtf8Value(entry.Value));
                any = true;
            }
        }

        return (any ? builder.Build() : StoreSnapshot.Empty, root.GetProperty("version").GetUInt64(), root.GetProperty("cursor").GetUInt64());
    }

    /// <summary><c>{"version":V,"cursor":C}</c>: the cursor that store version <c>V</c> was moved to.</summary>
    public static string Cursor(ulong version, ulong cursor) => Write(w =>
    {
        w.WriteNumber("version", version);
        w.WriteNumber("cursor", cursor);
    });

    public static (ulong Version, ulong Cursor) ReadCursor(string json)
    {
        using var document = Parse(json);
        var root = document.RootElement;
        return (root.GetProperty("version").GetUInt64(), root.GetProperty("cursor").GetUInt64());
    }

    private static JsonDocument Parse(string json)
    {
        var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new JsonException($"Expected a JSON object, found {document.RootElement.ValueKind}.");
        }

        return document;
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
