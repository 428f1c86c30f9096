using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ViewSync.Mutators;

/// <summary>Looks up a type's metadata in the app's source-generated JSON context, with an error that says how to fix a miss.</summary>
public static class JsonTypes
{
    /// <summary>Returns the context's metadata for <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type to serialize.</typeparam>
    /// <param name="context">The app's <see cref="JsonSerializerContext"/>.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="InvalidOperationException">The context has no metadata for <typeparamref name="T"/>.</exception>
    public static JsonTypeInfo<T> Get<T>(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetTypeInfo(typeof(T)) as JsonTypeInfo<T> ?? throw new InvalidOperationException(
            $"The JSON context '{context.GetType().Name}' has no metadata for '{typeof(T)}'. " +
            $"Add [JsonSerializable(typeof({typeof(T).Name}))] to '{context.GetType().Name}'.");
    }
}
