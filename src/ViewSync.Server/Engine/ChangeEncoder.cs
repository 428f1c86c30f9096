using System.Buffers;
using System.Text.Json;
using ViewSync.Protocol;
using ViewSync.Server.Storage;

namespace ViewSync.Server.Engine;

/// <summary>Turns stored log entries into the protocol's <see cref="Change"/> objects.</summary>
internal static class ChangeEncoder
{
    public static Change ToChange(LogEntry entry)
    {
        // Written by hand so the stored entity JSON is embedded as is, without a parse-and-reserialize.
        var buffer = new ArrayBufferWriter<byte>(64 + (entry.Value?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer))
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

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return new Change { Cursor = entry.Cursor, Scope = entry.Scope, Time = entry.Time, Data = JsonElement.ParseValue(ref reader) };
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
