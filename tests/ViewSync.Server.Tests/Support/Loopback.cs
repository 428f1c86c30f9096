using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ViewSync.Server.Tests.Support;

/// <summary>Starts a test web app on 127.0.0.1 (a free port unless one is given) and returns its root address.</summary>
internal static class Loopback
{
    public static async Task<Uri> StartOnLoopbackAsync(this WebApplication app, int port = 0)
    {
        app.Urls.Add($"http://127.0.0.1:{port}");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
