using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace TodoSample.Server;

/// <summary>
/// The Todo sample's sign-in: <c>POST /auth/sign-in {"user":"alice"}</c> answers
/// <c>{"access_token":"…","expires_in":3600,"token_type":"Bearer"}</c> and sets the same token as an
/// <c>HttpOnly</c>, <c>SameSite=Strict</c> cookie. A demo: it trusts the name it is given, so anyone can be
/// anyone. A deployment signs users in with a real identity provider.
/// </summary>
public static class SignInEndpoint
{
    private const int MaxBody = 1024;

    /// <summary>Maps the sign-in endpoint.</summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The route; <c>/auth/sign-in</c> by default.</param>
    /// <returns>The endpoint, to add conventions (a rate limit, say).</returns>
    public static IEndpointConventionBuilder MapSignIn(this IEndpointRouteBuilder endpoints, string pattern = "/auth/sign-in")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPost(pattern, SignInAsync);
    }

    private static async Task SignInAsync(HttpContext context)
    {
        // JSON only, so that a cross-site "simple" form post cannot sign a victim's browser in as someone else.
        if (!context.Request.HasJsonContentType())
        {
            await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "Send {\"user\":\"name\"} as application/json.");
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBody;
        }

        SignInRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, SignInJson.Default.SignInRequest, context.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or BadHttpRequestException)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "The body must be {\"user\":\"name\"}, at most 1 KiB.");
            return;
        }

        if (!SignInRequest.IsValidUser(request?.User))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, $"A user name is 1 to {SignInRequest.MaxUserLength} letters, digits, '-', '_' or '.'.");
            return;
        }

        var (token, expires) = context.RequestServices.GetRequiredService<DevelopmentTokens>().Issue(request!.User);
        context.Response.Cookies.Append(DevelopmentTokens.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            Expires = expires,
        });
        context.Response.Headers.CacheControl = "no-store";
        var lifetime = (long)DevelopmentTokens.Lifetime.TotalSeconds;
        await context.Response.WriteAsJsonAsync(new SignInResponse(token, lifetime), SignInJson.Default.SignInResponse, cancellationToken: context.RequestAborted);
    }

    private static Task RefuseAsync(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = error }, SignInJson.Default.DictionaryStringString);
    }
}
