using System.Buffers;
using System.Globalization;
using System.Text.Json;
using ViewSync.Protocol;
using ViewSync.Store;

namespace ViewSync.Transport;

/// <summary>
/// Reads a pull answer (<c>{"changes": [...], "has_more": b, "next_cursor": n}</c>, any field possibly absent or null)
/// from a stream with a <see cref="Utf8JsonReader"/> over a pooled buffer, and decodes each ViewSync change
/// (<c>data: {"entity", "id", "op", "value"}</c>) into an <see cref="EntityWrite"/> as soon as it is read. The buffer
/// only ever holds the value being read and a read-ahead; each value is copied once, into an array of its exact size
/// that the write (and then the store) keeps. No document, element or list of changes is built.
/// </summary>
internal static class PullPageReader
{
    private const int ReadSize = 64 * 1024;

    /// <summary>The answer as a whole may not pass <paramref name="maxResponseBytes"/>: bytes read are counted, whatever the headers said.</summary>
    /// <exception cref="JsonException">The answer is not a pull page or is cut short.</exception>
    /// <exception cref="ResponseTooLargeException">More than <paramref name="maxResponseBytes"/> bytes came.</exception>
    public static async Task<PullPage> ReadAsync(Stream stream, long maxResponseBytes, CancellationToken cancellationToken)
    {
        var parser = new Parser();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            var filled = 0;
            var total = 0L;
            var state = new JsonReaderState();
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // A value (or a run of whitespace) longer than the buffer: grow it. The byte count bounds the growth.
                    var larger = ArrayPool<byte>.Shared.Rent(checked(buffer.Length * 2));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                total += read;
                if (total > maxResponseBytes)
                {
                    throw new ResponseTooLargeException(maxResponseBytes);
                }

                filled += read;
                var final = read == 0;
                var consumed = parser.Parse(buffer.AsSpan(0, filled), final, ref state);
                if (final)
                {
                    // The last block is parsed whole or throws (an answer cut off, or anything but whitespace after it).
                    return parser.Done ? parser.Page() : throw Malformed(total == 0 ? "the answer is empty" : "the answer ends before its closing brace");
                }

                // Keep what is not parsed yet (a token or value cut by the read) at the front.
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static JsonException Malformed(string problem) => new($"The pull answer breaks the protocol: {problem}.");

    /// <summary>A resumable parser: each call consumes whole tokens (and whole skipped or kept values) and stops where the buffer runs out.</summary>
    private sealed class Parser
    {
        private enum Level { Start, Root, Changes, Change, Data, End }

        private enum Field { None, Other, Changes, HasMore, NextCursor, Cursor, Scope, Time, Data, Entity, Id, Op, Value }

        private readonly List<EntityWrite> _writes = [];
        private Level _level = Level.Start;
        private Field _field;
        private bool _sawChanges;
        private bool _hasMore;
        private ulong? _nextCursor;
        private int _count;
        private ulong? _lowest;
        private ulong? _last;

        // The change being read.
        private ulong _cursor;
        private bool _hasCursor;
        private bool _dataIsObject;
        private bool _hasEntity, _hasId, _hasOp;
        private string? _entity, _id, _op;
        private byte[]? _value;

        public bool Done => _level == Level.End;

        public PullPage Page() => new(_writes, _count, _lowest, _last, _hasMore, _nextCursor);

        /// <returns>How many bytes of <paramref name="bytes"/> were consumed.</returns>
        public int Parse(ReadOnlySpan<byte> bytes, bool final, ref JsonReaderState state)
        {
            var reader = new Utf8JsonReader(bytes, final, state);
            var consumed = 0;
            while (true)
            {
                // Values are read whole (TrySkip), so a checkpoint is always between tokens or values.
                var checkpoint = reader.CurrentState;
                if (!reader.Read() || !Handle(ref reader, bytes))
                {
                    state = checkpoint;
                    return consumed;
                }

                consumed = (int)reader.BytesConsumed;
                state = reader.CurrentState;
            }
        }

        /// <returns>False when a value is not whole in the buffer yet.</returns>
        private bool Handle(ref Utf8JsonReader reader, ReadOnlySpan<byte> bytes)
        {
            var token = reader.TokenType;
            switch (_level)
            {
                case Level.Start:
                    Expect(token == JsonTokenType.StartObject, "a pull answer must be a JSON object");
                    _level = Level.Root;
                    return true;

                case Level.Root when token == JsonTokenType.EndObject:
                    _level = Level.End;
                    return true;

                case Level.Root when token == JsonTokenType.PropertyName:
                    _field = reader.ValueTextEquals("changes"u8) ? Field.Changes
                        : reader.ValueTextEquals("has_more"u8) ? Field.HasMore
                        : reader.ValueTextEquals("next_cursor"u8) ? Field.NextCursor
                        : Field.Other;
                    return true;

                case Level.Root:
                    return RootValue(ref reader);

                case Level.Changes when token == JsonTokenType.EndArray:
                    _level = Level.Root;
                    return true;

                case Level.Changes:
                    if (token != JsonTokenType.StartObject)
                    {
                        throw Malformed($"{Which()} is {(token == JsonTokenType.Null ? "null" : "not an object")}");
                    }

                    (_cursor, _hasCursor, _dataIsObject, _value) = (0, false, false, null);
                    _level = Level.Change;
                    return true;

                case Level.Change when token == JsonTokenType.EndObject:
                    EndChange();
                    _level = Level.Changes;
                    return true;

                case Level.Change when token == JsonTokenType.PropertyName:
                    _field = reader.ValueTextEquals("cursor"u8) ? Field.Cursor
                        : reader.ValueTextEquals("scope"u8) ? Field.Scope
                        : reader.ValueTextEquals("time"u8) ? Field.Time
                        : reader.ValueTextEquals("data"u8) ? Field.Data
                        : Field.Other;
                    return true;

                case Level.Change:
                    return ChangeValue(ref reader);

                case Level.Data when token == JsonTokenType.EndObject:
                    _level = Level.Change;
                    return true;

                case Level.Data when token == JsonTokenType.PropertyName:
                    _field = reader.ValueTextEquals("entity"u8) ? Field.Entity
                        : reader.ValueTextEquals("id"u8) ? Field.Id
                        : reader.ValueTextEquals("op"u8) ? Field.Op
                        : reader.ValueTextEquals("value"u8) ? Field.Value
                        : Field.Other;
                    return true;

                case Level.Data:
                    return DataValue(ref reader, bytes);

                default:
                    // The reader itself refuses anything after the closing brace; this is only a guard.
                    throw Malformed("the answer goes on after its closing brace");
            }
        }

        private bool RootValue(ref Utf8JsonReader reader)
        {
            var token = reader.TokenType;
            switch (_field)
            {
                case Field.Changes:
                    Expect(!_sawChanges, "\"changes\" appears twice");
                    _sawChanges = true;
                    if (token == JsonTokenType.StartArray)
                    {
                        _level = Level.Changes;
                    }
                    else
                    {
                        // The Go engine's empty page: "changes": null.
                        Expect(token == JsonTokenType.Null, "\"changes\" must be an array of changes or null");
                    }

                    return true;

                case Field.HasMore:
                    Expect(token is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null, "\"has_more\" must be true or false");
                    _hasMore = token == JsonTokenType.True;
                    return true;

                case Field.NextCursor:
                    _nextCursor = token == JsonTokenType.Null ? null : Cursor(ref reader) ?? throw Malformed("\"next_cursor\" must be an unsigned 64-bit integer");
                    return true;

                default:
                    // An unknown field: skipped whole.
                    return reader.TrySkip();
            }
        }

        private bool ChangeValue(ref Utf8JsonReader reader)
        {
            var token = reader.TokenType;
            switch (_field)
            {
                case Field.Cursor:
                    (_cursor, _hasCursor) = (Cursor(ref reader) ?? throw Malformed($"{Which()}'s \"cursor\" must be an unsigned 64-bit integer"), true);
                    return true;

                case Field.Scope:
                    return token is JsonTokenType.String or JsonTokenType.Null ? true : throw Malformed($"{Which()}'s \"scope\" is not a string");

                case Field.Time:
                    return token == JsonTokenType.String && reader.TryGetDateTimeOffset(out _) ? true : throw Malformed($"{Which()}'s \"time\" is not an RFC 3339 time");

                case Field.Data when token == JsonTokenType.StartObject:
                    (_dataIsObject, _hasEntity, _hasId, _hasOp, _entity, _id, _op, _value) = (true, false, false, false, null, null, null, null);
                    _level = Level.Data;
                    return true;

                case Field.Data:
                    // Not an entity change (a Go server's own payload): the change moves the cursor and nothing else.
                    _dataIsObject = false;
                    return reader.TrySkip();

                default:
                    return reader.TrySkip();
            }
        }

        private bool DataValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> bytes)
        {
            switch (_field)
            {
                case Field.Entity:
                    (_entity, _hasEntity) = (Text(ref reader, "entity"), true);
                    return true;

                case Field.Id:
                    (_id, _hasId) = (Text(ref reader, "id"), true);
                    return true;

                case Field.Op:
                    (_op, _hasOp) = (Text(ref reader, "op"), true);
                    return true;

                case Field.Value when reader.TokenType == JsonTokenType.Null:
                    _value = null;
                    return true;

                case Field.Value:
                {
                    var start = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip())
                    {
                        return false;
                    }

                    // The one copy: what the store will keep.
                    _value = bytes[start..(int)reader.BytesConsumed].ToArray();
                    return true;
                }

                default:
                    return reader.TrySkip();
            }
        }

        /// <summary>A change is whole: count it, and make a ViewSync change a store write (as the client always has).</summary>
        private void EndChange()
        {
            if (Write() is { } write)
            {
                _writes.Add(write);
            }

            _count++;
            _lowest = _lowest is { } lowest && lowest < _cursor ? lowest : _cursor;
            _last = _cursor;
            (_hasCursor, _value) = (false, null);
        }

        /// <returns>The write; null for a change that is not for the store (its data is not an object, or names no entity or id).</returns>
        private EntityWrite? Write()
        {
            if (!_dataIsObject)
            {
                return null;
            }

            if (!_hasEntity || !_hasId || !_hasOp)
            {
                throw Malformed($"{Which()} does not hold an entity change: it lacks \"entity\", \"id\" or \"op\"");
            }

            if (string.IsNullOrEmpty(_entity) || string.IsNullOrEmpty(_id))
            {
                return null;
            }

            if (_op == EntityChange.Delete)
            {
                return new EntityWrite(_entity, _id, null);
            }

            return _value is { } value
                ? new EntityWrite(_entity, _id, value)
                : throw Malformed($"{Which()} ({_op} of {_entity} '{_id}') has no value");
        }

        private string? Text(ref Utf8JsonReader reader, string name) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw Malformed($"{Which()} does not hold an entity change: \"{name}\" is not a string"),
        };

        private static ulong? Cursor(ref Utf8JsonReader reader) =>
            reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var cursor) ? cursor : null;

        /// <summary>The change being read, by its cursor once known, else by its place in the page.</summary>
        private string Which() => _hasCursor
            ? $"change {_cursor.ToString(CultureInfo.InvariantCulture)}"
            : $"change #{(_count + 1).ToString(CultureInfo.InvariantCulture)} of the page";

        private static void Expect(bool condition, string problem)
        {
            if (!condition)
            {
                throw Malformed(problem);
            }
        }
    }
}
