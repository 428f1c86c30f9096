using Refit;
using ViewSync.Protocol;

namespace ViewSync.Transport;

/// <summary>
/// The protocol's push endpoint as a Refit interface (pull and snapshot answers are read as streams by
/// <see cref="RefitSyncTransport"/> itself, so no answer is deserialized whole). Refit's source generator implements it at
/// build time; <see cref="RefitSyncTransport"/> creates it with <c>RestService.ForGenerated</c>, so no
/// reflection or dynamic code is involved (trimming and Native AOT stay clean).
/// </summary>
public interface ISyncApi
{
    /// <summary><c>POST {BaseUrl}/push</c>.</summary>
    /// <param name="request">The mutations.</param>
    /// <param name="authorization">The <c>Authorization</c> header's value (<c>Bearer {token}</c>), or null to send none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response, with its status code and headers.</returns>
    [Post("/push")]
    Task<IApiResponse<PushResponse>> PushAsync([Body] PushRequest request, [Header("Authorization")] string? authorization, CancellationToken cancellationToken);

}
