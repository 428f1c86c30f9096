using System.Text.Json.Serialization;

namespace TodoSample;

/// <summary>The Todo sample server's answer to a sign-in: an OAuth-style bearer token.</summary>
/// <param name="AccessToken">The JWT to send as <c>Authorization: Bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until it expires.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
public sealed record SignInResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("token_type")] string TokenType = "Bearer");
