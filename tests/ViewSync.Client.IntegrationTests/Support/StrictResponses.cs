using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// Writes answers as Go's <c>encoding/json</c> writes the engine's structs: empty values of
/// <c>omitempty</c> fields are left out (a zero cursor, no changes, <c>has_more</c> false, no error
/// code at all), a nil change list of a pull is <c>null</c>, and times are RFC 3339 with nanoseconds.
/// </summary>
internal static class StrictResponses
{
    public static byte[] Push(IReadOnlyList<StrictOutcome> outcomes) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("results");
        foreach (var outcome in outcomes)
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", outcome.Ok);
            if (outcome.Cursor != 0)
            {
                w.WriteNumber("cursor", outcome.Cursor);
            }

            if (outcome.Changes.Count > 0)
            {
                w.WriteStartArray("changes");
                foreach (var change in outcome.Changes)
                {
                    WriteChange(w, change);
                }

                w.WriteEndArray();
            }

            if (!string.IsNullOrEmpty(outcome.Error))
            {
                w.WriteString("error", outcome.Error);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary><c>{"changes": [...] or null, "has_more"?: true, "next_cursor"?: last change's cursor}</c></summary>
    public static byte[] Pull(IReadOnlyList<StrictChange> changes, bool hasMore) => Write(w =>
    {
        w.WriteStartObject();
        if (changes.Count == 0)
        {
            w.WriteNull("changes");
        }
        else
        {
            w.WriteStartArray("changes");
            foreach (var change in changes)
            {
                WriteChange(w, change);
            }

            w.WriteEndArray();
        }

        if (hasMore)
        {
            w.WriteBoolean("has_more", true);
        }

        if (changes.Count > 0)
        {
            w.WriteNumber("next_cursor", changes[^1].Cursor);
        }

        w.WriteEndObject();
    });

    public static byte[] Snapshot(IReadOnlyDictionary<string, IReadOnlyDictionary<string, byte[]>> data, ulong cursor) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("data");
        foreach (var (entity, ids) in data)
        {
            w.WriteStartObject(entity);
            foreach (var (id, value) in ids)
            {
                w.WritePropertyName(id);
                w.WriteRawValue(value, skipInputValidation: true);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
        if (cursor != 0)
        {
            w.WriteNumber("cursor", cursor);
        }

        w.WriteEndObject();
    });

    /// <summary>A request-level error: <c>{"code","error"}</c>.</summary>
    public static byte[] Error(string code, string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("code", code);
        w.WriteString("error", message);
        w.WriteEndObject();
    });

    /// <summary>A live notification whose data is a JSON string holding <c>{"cursor":N}</c>, or that object itself.</summary>
    public static byte[] Live(string scope, ulong cursor, bool dataAsString) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("topic", "sync:" + scope);
        var data = "{\"cursor\":" + cursor.ToString(CultureInfo.InvariantCulture) + "}";
        if (dataAsString)
        {
            w.WriteString("data", data);
        }
        else
        {
            w.WritePropertyName("data");
            w.WriteRawValue(data);
        }

        w.WriteEndObject();
    });

    private static void WriteChange(Utf8JsonWriter w, StrictChange change)
    {
        w.WriteStartObject();
        w.WriteNumber("cursor", change.Cursor);
        w.WriteString("scope", change.Scope);
        // Go's time.RFC3339Nano: nine fraction digits are valid and must be read.
        w.WriteString("time", change.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture));
        w.WriteStartObject("data");
        w.WriteString("entity", change.Entity);
        w.WriteString("id", change.Id);
        w.WriteString("op", change.Op);
        if (change.Value is { } value)
        {
            w.WritePropertyName("value");
            w.WriteRawValue(value, skipInputValidation: true);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
