using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ViewSync.Mutators;

/// <summary>
/// Writes the <c>args</c> of a built-in entity mutation, <c>{"id": …, "data": …}</c> (or <c>{"id": …}</c> for a
/// delete), as one exactly sized array, and tells where <c>data</c> lies in it. The mutation keeps the array and
/// the store keeps the slice: the entity is encoded once and never parsed, validated or copied again.
/// </summary>
internal static class EntityMutationArgs
{
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");

    /// <summary>One writer per thread, reused: encoding an entity allocates only its result.</summary>
    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Encodes the arguments; <paramref name="data"/> is the entity's JSON inside them (empty for a delete).</summary>
    /// <exception cref="JsonException">The value cannot be encoded with its metadata.</exception>
    public static byte[] Write<T>(string id, T? value, JsonTypeInfo<T> typeInfo, out ReadOnlyMemory<byte> data)
        where T : class
    {
        // A converter that creates an entity while being serialized would find the scratch in use: it gets its own.
        var scratch = t_scratch is { InUse: false } cached ? cached : new Scratch();
        t_scratch = scratch;
        scratch.InUse = true;
        try
        {
            var buffer = scratch.Buffer;
            var writer = scratch.Writer;
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteString(IdName, id);
            int start = 0, end = 0;
            if (value is not null)
            {
                writer.WritePropertyName(DataName);
                writer.Flush();
                start = buffer.WrittenCount;
                JsonSerializer.Serialize(writer, value, typeInfo);
                writer.Flush();
                end = buffer.WrittenCount;
            }

            writer.WriteEndObject();
            writer.Flush();
            var args = buffer.WrittenSpan.ToArray();
            data = args.AsMemory(start, end - start);
            return args;
        }
        finally
        {
            scratch.InUse = false;
            if (scratch.Buffer.Capacity > 64 * 1024)
            {
                // A huge entity's buffer is not kept for the thread's lifetime.
                t_scratch = null;
            }
        }
    }

    /// <summary>A thread's buffer and writer; the writer holds no unmanaged resource, and lives as long as its thread.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Thread-static scratch: a Utf8JsonWriter over an ArrayBufferWriter owns nothing to release.")]
    private sealed class Scratch
    {
        public readonly ArrayBufferWriter<byte> Buffer = new(256);
        public readonly Utf8JsonWriter Writer;
        public bool InUse;

        public Scratch() => Writer = new Utf8JsonWriter(Buffer);
    }
}
