using System.Text.Json.Serialization;

namespace TodoSample;

/// <summary>JSON metadata for the sign-in messages, generated at build time (AOT-safe).</summary>
[JsonSourceGenerationOptions(RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SignInResponse))]
[JsonSerializable(typeof(Dictionary<string, string>))]   // {"error": "..."}
public sealed partial class SignInJson : JsonSerializerContext;
