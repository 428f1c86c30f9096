using System.Text.Json;
using System.Text.Json.Serialization;
using ViewSync.Mutations;

namespace ViewSync.Protocol;

/// <summary>Lets the protocol's JSON context read and write <see cref="Mutation"/> in its wire form.</summary>
internal sealed class MutationJsonConverter : JsonConverter<Mutation>
{
    public override Mutation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        MutationJson.Read(ref reader, DateTimeOffset.UnixEpoch);

    public override void Write(Utf8JsonWriter writer, Mutation value, JsonSerializerOptions options) =>
        MutationJson.Write(writer, value, includeLocalFields: false);
}
