using System.Runtime.InteropServices.JavaScript;

namespace TodoSample.Web;

/// <summary>Who uses this page: <c>?user=bob</c> in its address, else the demo user <see cref="Default"/>.</summary>
internal static class PageUser
{
    /// <summary>The demo user, when the address names none (or an invalid one).</summary>
    public const string Default = "alice";

    /// <summary>The user named by the page's address, or <see cref="Default"/>.</summary>
    /// <returns>A valid user name.</returns>
    public static string FromAddress()
    {
        var query = JSHost.GlobalThis.GetPropertyAsJSObject("location")?.GetPropertyAsString("search") ?? "";
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("user=", StringComparison.Ordinal) && Uri.UnescapeDataString(pair["user=".Length..]) is var user && SignInRequest.IsValidUser(user))
            {
                return user;
            }
        }

        return Default;
    }
}
