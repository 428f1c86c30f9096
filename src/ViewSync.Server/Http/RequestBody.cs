using Microsoft.AspNetCore.Http;

namespace ViewSync.Server.Http;

/// <summary>Reads a request body up to a limit, whatever the server's own limits are.</summary>
internal static class RequestBody
{
    /// <summary>Push bodies: 1 MiB, as the Go server.</summary>
    public const int PushLimit = 1 << 20;

    /// <summary>Pull and snapshot bodies: 64 KiB.</summary>
    public const int QueryLimit = 64 << 10;

    /// <returns>The body, or null when it is longer than <paramref name="limit"/>.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new byte[Math.Min(limit + 1, (int?)request.ContentLength + 1 ?? 4096)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit)
                {
                    return null;
                }

                Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return length > limit ? null : buffer[..length];
            }

            length += read;
        }
    }
}
