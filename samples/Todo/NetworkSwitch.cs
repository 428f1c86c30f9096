namespace TodoSample;

/// <summary>Pulls the network cable on one client, for the demo: every request fails as if offline.</summary>
internal sealed class NetworkSwitch : DelegatingHandler
{
    public NetworkSwitch()
        : base(new SocketsHttpHandler())
    {
    }

    public bool Offline { get; set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Offline
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException("The network is down (demo)."))
            : base.SendAsync(request, cancellationToken);
}
