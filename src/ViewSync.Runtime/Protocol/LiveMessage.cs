using System.Text.Json;
using System.Text.Json.Serialization;

namespace ViewSync.Protocol;

/// <summary>A live (WebSocket) frame: <c>{"topic": "...", "data": ...}</c>.</summary>
public sealed record LiveMessage
{
    /// <summary>The topic a client sends to subscribe.</summary>
    public const string SubscribeTopic = "subscribe";

    /// <summary>The topic, e.g. <c>subscribe</c> or <c>sync:user:123</c>.</summary>
    [JsonPropertyName("topic")]
    public string Topic { get; init; } = "";

    /// <summary>The payload: for <c>sync:</c> topics <c>{"cursor": N}</c>, as an object or as a JSON string holding it.</summary>
    [JsonPropertyName("data")]
    public JsonElement Data { get; init; }
}
