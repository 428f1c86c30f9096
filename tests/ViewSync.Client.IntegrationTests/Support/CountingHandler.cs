namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>An HTTP handler that counts the requests passing through it.</summary>
internal sealed class CountingHandler(Action onSend) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        onSend();
        return base.SendAsync(request, cancellationToken);
    }
}
