using System.Net;

namespace ViewSync;

/// <content>Explains a <c>404</c> from the sync endpoints: almost always a base URL without the sync prefix.</content>
public sealed partial class SyncClient
{
    /// <summary>
    /// A <c>404</c> without a protocol error body means nothing answers at the URL tried: say which URL that
    /// was and what a base URL looks like. Any other failure is returned as it is.
    /// </summary>
    private SyncFailure ExplainNotFound(SyncFailure failure)
    {
        if (failure.Error.StatusCode != HttpStatusCode.NotFound || failure.Request is not { } request || !string.IsNullOrEmpty(failure.Error.Code))
        {
            return failure;
        }

        string message;
        if (_baseUrl is { } baseUrl)
        {
            var tried = new Uri(WithTrailingSlash(baseUrl), request);
            var example = new Uri(new Uri(baseUrl.GetLeftPart(UriPartial.Authority)), "_sync/");
            message = $"POST {tried.AbsoluteUri} answered 404 (Not Found): no ViewSync sync endpoint is there. "
                + $"Is SyncClientOptions.BaseUrl ({baseUrl.AbsoluteUri}) missing the sync path? It must be the prefix the server maps "
                + $"with MapViewSync, e.g. {example.AbsoluteUri} for app.MapViewSync(\"/_sync\").";
        }
        else
        {
            message = $"POST {request} answered 404 (Not Found): no ViewSync sync endpoint is there. "
                + "Check the base address of the transport: it must be the prefix the server maps with MapViewSync, e.g. http://host/_sync/.";
        }

        return new SyncFailure(failure.Error with { Message = message }, failure.RetryAfter, failure.IsTransient) { Request = request };
    }
}
