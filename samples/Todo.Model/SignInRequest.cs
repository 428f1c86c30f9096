using System.Text.Json.Serialization;

namespace TodoSample;

/// <summary>The Todo sample server's sign-in request, <c>POST /auth/sign-in {"user":"alice"}</c>.</summary>
/// <param name="User">The user name: 1 to 64 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>. The user syncs scope <c>user:{name}</c>.</param>
public sealed record SignInRequest([property: JsonPropertyName("user")] string User)
{
    /// <summary>The longest user name.</summary>
    public const int MaxUserLength = 64;

    /// <summary>Whether <paramref name="user"/> is a valid user name (see <see cref="User"/>).</summary>
    /// <param name="user">The name to check.</param>
    /// <returns>True when it can sign in.</returns>
    public static bool IsValidUser(string? user) =>
        user is { Length: > 0 and <= MaxUserLength } && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
