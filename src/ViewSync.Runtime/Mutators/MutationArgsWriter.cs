using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ViewSync.Mutators;

/// <summary>
/// Builds a mutation's <c>args</c> object, one named argument at a time, without reflection.
/// Generated <c>Mutate</c> helpers use it; hand-written callers can too.
/// </summary>
public sealed class MutationArgsWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(128);
    private readonly Utf8JsonWriter _writer;
    private bool _finished;

    /// <summary>Starts an empty <c>args</c> object.</summary>
    public MutationArgsWriter()
    {
        _writer = new Utf8JsonWriter(_buffer);
        _writer.WriteStartObject();
    }

    /// <summary>Writes a string argument (or <c>null</c>).</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, string? value) => Writer(name).WriteStringValue(value);

    /// <summary>Writes a boolean argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, bool value) => Writer(name).WriteBooleanValue(value);

    /// <summary>Writes an optional boolean argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, bool? value) => WriteNullable(name, value, static (w, v) => w.WriteBooleanValue(v));

    /// <summary>Writes an integer argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, int value) => Writer(name).WriteNumberValue(value);

    /// <summary>Writes an optional integer argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, int? value) => WriteNullable(name, value, static (w, v) => w.WriteNumberValue(v));

    /// <summary>Writes a 64-bit integer argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, long value) => Writer(name).WriteNumberValue(value);

    /// <summary>Writes an optional 64-bit integer argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, long? value) => WriteNullable(name, value, static (w, v) => w.WriteNumberValue(v));

    /// <summary>Writes a double argument; NaN and the infinities (which JSON numbers cannot hold) as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, double value) => WriteDouble(Writer(name), value);

    /// <summary>Writes an optional double argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, double? value) => WriteNullable(name, value, static (w, v) => WriteDouble(w, v));

    /// <summary>Writes a float argument; NaN and the infinities as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, float value) => WriteSingle(Writer(name), value);

    /// <summary>Writes an optional float argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, float? value) => WriteNullable(name, value, static (w, v) => WriteSingle(w, v));

    /// <summary>Writes a decimal argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, decimal value) => Writer(name).WriteNumberValue(value);

    /// <summary>Writes an optional decimal argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, decimal? value) => WriteNullable(name, value, static (w, v) => w.WriteNumberValue(v));

    /// <summary>Writes a GUID argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, Guid value) => Writer(name).WriteStringValue(value);

    /// <summary>Writes an optional GUID argument.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, Guid? value) => WriteNullable(name, value, static (w, v) => w.WriteStringValue(v));

    /// <summary>Writes a date argument (ISO 8601).</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, DateTime value) => Writer(name).WriteStringValue(value);

    /// <summary>Writes an optional date argument (ISO 8601).</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, DateTime? value) => WriteNullable(name, value, static (w, v) => w.WriteStringValue(v));

    /// <summary>Writes a date-with-offset argument (ISO 8601).</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, DateTimeOffset value) => Writer(name).WriteStringValue(value);

    /// <summary>Writes an optional date-with-offset argument (ISO 8601).</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    public void Write(string name, DateTimeOffset? value) => WriteNullable(name, value, static (w, v) => w.WriteStringValue(v));

    /// <summary>Writes an argument of any type through the app's JSON metadata; a null reference is written as <c>null</c>.</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    /// <param name="typeInfo">The metadata from the app's JSON context.</param>
    public void Write<T>(string name, T? value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        JsonSerializer.Serialize(Writer(name), value!, typeInfo); // null is written as null
    }

    /// <summary>Writes a nullable value-type argument (an enum, a struct) through the app's metadata for the underlying type: <c>null</c> when it has no value.</summary>
    /// <typeparam name="T">The underlying type.</typeparam>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">Its value.</param>
    /// <param name="typeInfo">The metadata for <typeparamref name="T"/> from the app's JSON context.</param>
    public void Write<T>(string name, T? value, JsonTypeInfo<T> typeInfo)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (value is { } present)
        {
            JsonSerializer.Serialize(Writer(name), present, typeInfo);
        }
        else
        {
            Writer(name).WriteNullValue();
        }
    }

    /// <summary>Closes the object and returns its UTF-8 JSON. The writer cannot be used afterwards.</summary>
    /// <returns>The <c>args</c> JSON.</returns>
    public ReadOnlyMemory<byte> ToJson()
    {
        if (!_finished)
        {
            _finished = true;
            _writer.WriteEndObject();
            _writer.Flush();
        }

        return _buffer.WrittenMemory;
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    private Utf8JsonWriter Writer(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ObjectDisposedException.ThrowIf(_finished, this);
        _writer.WritePropertyName(name);
        return _writer;
    }

    /// <summary>A finite number as a JSON number; NaN and the infinities as System.Text.Json's named literals (<see cref="JsonNumberHandling.AllowNamedFloatingPointLiterals"/>).</summary>
    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteSingle(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private void WriteNullable<T>(string name, T? value, Action<Utf8JsonWriter, T> write)
        where T : struct
    {
        var writer = Writer(name);
        if (value is { } present)
        {
            write(writer, present);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
