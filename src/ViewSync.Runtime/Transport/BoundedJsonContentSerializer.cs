using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Refit;
using ViewSync.Protocol;

namespace ViewSync.Transport;

/// <summary>
/// Refit's System.Text.Json serializer over <see cref="ProtocolJsonContext"/>, reading answers through
/// a size limit: a server that sends a huge body gets a malformed-response error, not all our memory.
/// </summary>
internal sealed class BoundedJsonContentSerializer(long maxResponseBytes) : IHttpContentSerializer
{
    private static readonly SystemTextJsonContentSerializer s_inner =
        new(new JsonSerializerOptions(ProtocolJsonContext.Default.Options)); // the context's resolver and converters

    public HttpContent ToHttpContent<T>(T item) => s_inner.ToHttpContent(item);

    public string? GetFieldNameForProperty(PropertyInfo propertyInfo) => s_inner.GetFieldNameForProperty(propertyInfo);

    public async Task<T?> FromHttpContentAsync<T>(HttpContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Headers.ContentLength > maxResponseBytes)
        {
            throw new ResponseTooLargeException(maxResponseBytes);
        }

        var typeInfo = ProtocolTypeInfo<T>.Value;
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await using var bounded = new BoundedReadStream(stream, maxResponseBytes);
            return await JsonSerializer.DeserializeAsync(bounded, typeInfo, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The protocol metadata of <typeparamref name="T"/>, looked up once per type rather than per answer.</summary>
    private static class ProtocolTypeInfo<T>
    {
        public static readonly JsonTypeInfo<T> Value = ProtocolJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not a protocol type.");
    }

    /// <summary>Reads through to another stream and fails once more than the limit was read.</summary>
    private sealed class BoundedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw new ResponseTooLargeException(limit) : read;
        }
    }
}
