using System.Text.Json;

namespace ViewSync.Transport;

/// <summary>
/// Reads a snapshot answer (<c>{"data": {entity: {id: value}}, "cursor": n}</c>, either field possibly absent)
/// from a stream and hands each
/// entity to a sink as soon as it is whole. Memory stays bounded by the largest entity, not the snapshot:
/// the buffer only ever holds the value being read (at most <c>maxEntityBytes</c>) and a read-ahead.
/// </summary>
internal static class SnapshotStreamReader
{
    private const int ReadSize = 64 * 1024;

    /// <exception cref="JsonException">The answer is not a snapshot, is cut short, or holds an entity larger than <paramref name="maxEntityBytes"/>.</exception>
    public static async Task<SnapshotSummary> ReadAsync(Stream stream, ISnapshotSink sink, long maxEntityBytes, CancellationToken cancellationToken)
    {
        var parser = new Parser(sink, maxEntityBytes);
        var buffer = new byte[ReadSize];
        var filled = 0;
        var final = false;
        var state = new JsonReaderState();
        while (true)
        {
            if (!final)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= maxEntityBytes + ReadSize)
                    {
                        throw new JsonException($"The snapshot holds a value larger than the {maxEntityBytes} bytes one entity may take (SyncClientOptions.MaxResponseBytes).");
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxEntityBytes + ReadSize));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                filled += read;
                final = read == 0;
            }

            var consumed = parser.Parse(buffer.AsMemory(0, filled), final, ref state);
            if (parser.Done)
            {
                return new SnapshotSummary { Cursor = parser.Cursor, Entities = parser.Entities };
            }

            if (final && consumed == 0)
            {
                throw new JsonException("The snapshot answer ends before its closing brace.");
            }

            // Keep what is not parsed yet (a token or value cut by the read) at the front.
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
            if (final && filled == 0)
            {
                throw new JsonException("The snapshot answer ends before its closing brace.");
            }
        }
    }

    /// <summary>A resumable parser: each call consumes whole tokens (and whole entity values) and stops where the buffer runs out.</summary>
    private sealed class Parser(ISnapshotSink sink, long maxEntityBytes)
    {
        private enum Level { Start, Root, Data, Entity, End }

        private Level _level = Level.Start;
        private string? _property;
        private string? _entity;
        private ReadOnlyMemory<byte> _bytes;

        public bool Done => _level == Level.End;

        public ulong Cursor { get; private set; }

        public long Entities { get; private set; }

        /// <returns>How many bytes of <paramref name="bytes"/> were consumed.</returns>
        public int Parse(ReadOnlyMemory<byte> bytes, bool final, ref JsonReaderState state)
        {
            _bytes = bytes;
            var reader = new Utf8JsonReader(bytes.Span, final, state);
            var consumed = 0;
            while (true)
            {
                // Values are read whole (TrySkip), so a checkpoint is always between tokens or values.
                var checkpoint = reader.CurrentState;
                if (!reader.Read())
                {
                    state = checkpoint;
                    return consumed;
                }

                if (!Handle(ref reader))
                {
                    state = checkpoint;
                    return consumed;
                }

                consumed = (int)reader.BytesConsumed;
                if (Done)
                {
                    state = reader.CurrentState;
                    return consumed;
                }
            }
        }

        /// <returns>False when a value is not whole in the buffer yet.</returns>
        private bool Handle(ref Utf8JsonReader reader)
        {
            switch (_level)
            {
                case Level.Start:
                    Expect(reader.TokenType == JsonTokenType.StartObject, "a snapshot answer must be a JSON object");
                    _level = Level.Root;
                    return true;

                case Level.Root when reader.TokenType == JsonTokenType.EndObject:
                    // An absent cursor is 0 and absent data is empty: the Go engine omits empty values.
                    _level = Level.End;
                    return true;

                case Level.Root when reader.TokenType == JsonTokenType.PropertyName:
                    _property = reader.GetString();
                    return true;

                case Level.Root when _property == "data":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        return true;
                    }

                    Expect(reader.TokenType == JsonTokenType.StartObject, "\"data\" must be an object of entity types");
                    _level = Level.Data;
                    return true;

                case Level.Root when _property == "cursor":
                    Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out _), "\"cursor\" must be an unsigned 64-bit integer");
                    Cursor = reader.GetUInt64();
                    return true;

                case Level.Root:
                    // An unknown field: skipped whole (bounded like an entity).
                    return reader.TrySkip();

                case Level.Data when reader.TokenType == JsonTokenType.EndObject:
                    _level = Level.Root;
                    return true;

                case Level.Data when reader.TokenType == JsonTokenType.PropertyName:
                    _entity = reader.GetString();
                    Expect(!string.IsNullOrEmpty(_entity), "an entity type has an empty name");
                    return true;

                case Level.Data:
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        return true;
                    }

                    Expect(reader.TokenType == JsonTokenType.StartObject, $"\"data\".\"{_entity}\" must be an object of ids");
                    _level = Level.Entity;
                    return true;

                case Level.Entity when reader.TokenType == JsonTokenType.EndObject:
                    _level = Level.Data;
                    return true;

                case Level.Entity when reader.TokenType == JsonTokenType.PropertyName:
                    _property = reader.GetString();
                    // Messages are only formatted on failure: this runs once per entity.
                    if (string.IsNullOrEmpty(_property))
                    {
                        Fail($"an entity of \"{_entity}\" has an empty id");
                    }

                    return true;

                case Level.Entity:
                {
                    var start = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip())
                    {
                        return false;
                    }

                    var end = (int)reader.BytesConsumed;
                    if (end - start > maxEntityBytes)
                    {
                        Fail($"the entity \"{_entity}\" \"{_property}\" is {end - start} bytes, larger than the {maxEntityBytes} bytes one entity may take (SyncClientOptions.MaxResponseBytes)");
                    }

                    sink.Add(_entity!, _property!, _bytes[start..end]);
                    Entities++;
                    return true;
                }

                default:
                    throw new JsonException("The snapshot answer goes on after its closing brace.");
            }
        }

        private static void Fail(string problem) => Expect(false, problem);

        private static void Expect(bool condition, string problem)
        {
            if (!condition)
            {
                throw new JsonException($"The snapshot answer breaks the protocol: {problem}.");
            }
        }
    }
}
