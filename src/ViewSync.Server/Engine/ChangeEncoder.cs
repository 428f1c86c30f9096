using System.Buffers;
using System.Text.Json;
using ViewSync.Protocol;
using ViewSync.Server.Storage;

namespace ViewSync.Server.Engine;

/// <summary>Turns stored log entries into the protocol's <see cref="Change"/> objects.</summary>
internal static class ChangeEncoder
{
    private const int MaxKeptBuffer = 1 << 20;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static Change ToChange(LogEntry entry)
    {
        // Written by hand so the stored entity JSON is embedded as is, without a parse-and-reserialize, into a buffer
        // this thread reuses (ParseValue copies what it needs): a page of large entities leaves one copy less garbage.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteData(writer, entry);
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        var change = new Change { Cursor = entry.Cursor, Scope = entry.Scope, Time = entry.Time, Data = JsonElement.ParseValue(ref reader) };
        if (buffer.Capacity > MaxKeptBuffer)
        {
            t_buffer = null; // an unusually large entity: its buffer is not kept for the thread's lifetime
        }

        return change;
    }

    /// <summary>Writes a whole change as <see cref="Change"/> serializes: <c>cursor</c>, <c>scope</c>, <c>time</c>, <c>data</c>, the stored value as is.</summary>
    public static void Write(Utf8JsonWriter writer, LogEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteNumber("cursor", entry.Cursor);
        writer.WriteString("scope", entry.Scope);
        writer.WriteString("time", entry.Time);
        writer.WritePropertyName("data");
        WriteData(writer, entry);
        writer.WriteEndObject();
    }

    /// <summary>The change's payload: <c>{"entity", "id", "op", "value"}</c>, the value without one for a deletion.</summary>
    private static void WriteData(Utf8JsonWriter writer, LogEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("entity", entry.Entity);
        writer.WriteString("id", entry.Id);
        writer.WriteString("op", entry.Op);
        if (entry.Value is { } value)
        {
            writer.WritePropertyName("value");
            writer.WriteRawValue(value, skipInputValidation: true);
        }

        writer.WriteEndObject();
    }

    public static IReadOnlyList<Change> ToChanges(IReadOnlyList<LogEntry> entries)
    {
        var changes = new Change[entries.Count];
        for (var i = 0; i < changes.Length; i++)
        {
            changes[i] = ToChange(entries[i]);
        }

        return changes;
    }
}
