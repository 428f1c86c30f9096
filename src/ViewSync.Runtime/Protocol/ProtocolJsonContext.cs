using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>
/// Source-generated JSON for the wire protocol, shared by the client's transport and the server's
/// endpoints: no reflection, so both work trimmed and under Native AOT. Unknown fields are ignored.
/// </summary>
[JsonSourceGenerationOptions(
    Converters = [typeof(MutationJsonConverter)],
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PushRequest))]
[JsonSerializable(typeof(PushResponse))]
[JsonSerializable(typeof(PullRequest))]
[JsonSerializable(typeof(PullResponse))]
[JsonSerializable(typeof(SnapshotRequest))]
[JsonSerializable(typeof(SnapshotResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(LiveMessage))]
[JsonSerializable(typeof(EntityChange))]
[JsonSerializable(typeof(LiveCursor))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
