using System.Text;
using System.Text.Json;
using ViewSync.Transport;

namespace ViewSync.Runtime.Tests.Transport;

/// <summary>Snapshots are read as a stream, entity by entity, whatever way the bytes arrive.</summary>
public sealed class SnapshotStreamReaderTests
{
    private const string Snapshot = """
        {"data": {"todo": {"a": {"id":"a","title":"Buy \"milk\" ü"}, "b": {"id":"b","tags":[1,[2,{"x":null}]]}},
                  "list": {}, "empty": null, "odd": {"s": "just a string", "n": 12.5e3, "t": true}},
         "extra": {"ignored": [1, 2, {"deep": [[[]]]}]}, "cursor": 42}
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(100_000)]
    public async Task Every_entity_comes_out_whole_however_the_bytes_are_split(int chunk)
    {
        var sink = new Sink();
        var summary = await SnapshotStreamReader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(Snapshot), chunk), sink, 1024, CancellationToken.None);

        Assert.Equal(42UL, summary.Cursor);
        Assert.Equal(5, summary.Entities);
        Assert.Equal(
            [
                ("todo", "a", """{"id":"a","title":"Buy \"milk\" ü"}"""),
                ("todo", "b", """{"id":"b","tags":[1,[2,{"x":null}]]}"""),
                ("odd", "s", "\"just a string\""),
                ("odd", "n", "12.5e3"),
                ("odd", "t", "true"),
            ],
            sink.Entities);
    }

    [Fact]
    public async Task An_empty_snapshot_may_omit_both_fields_as_the_Go_engine_does()
    {
        var summary = await SnapshotStreamReader.ReadAsync(Stream("{}"), new Sink(), 1024, CancellationToken.None);
        Assert.Equal(0UL, summary.Cursor);
        Assert.Equal(0, summary.Entities);
    }

    [Fact]
    public async Task The_cursor_may_come_first_and_data_may_be_null()
    {
        var sink = new Sink();
        var summary = await SnapshotStreamReader.ReadAsync(Stream("""{"cursor": 7, "data": null}"""), sink, 1024, CancellationToken.None);
        Assert.Equal(7UL, summary.Cursor);
        Assert.Empty(sink.Entities);
    }

    [Fact]
    public async Task Memory_is_bounded_by_the_largest_entity_not_the_snapshot()
    {
        // 20 MiB of entities through a 64 KiB-per-entity limit: fine, since each entity is small.
        var builder = new StringBuilder("""{"data":{"todo":{""");
        for (var i = 0; i < 40_000; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append($$"""
                "t{{i}}":{"id":"t{{i}}","title":"{{new string('x', 500)}}"}
                """);
        }

        builder.Append("}},\"cursor\":9}");
        var sink = new Sink(keep: false);
        var summary = await SnapshotStreamReader.ReadAsync(Stream(builder.ToString()), sink, 64 * 1024, CancellationToken.None);
        Assert.Equal(40_000, summary.Entities);
        Assert.Equal(9UL, summary.Cursor);
    }

    [Fact]
    public async Task An_entity_larger_than_the_limit_is_malformed()
    {
        var json = "{\"data\":{\"todo\":{\"big\":{\"title\":\"" + new string('x', 5000) + "\"}}},\"cursor\":1}";
        var error = await Assert.ThrowsAnyAsync<JsonException>(() => SnapshotStreamReader.ReadAsync(Stream(json), new Sink(), 1024, CancellationToken.None));
        Assert.Contains("larger than the 1024 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"data":{"todo":{"a":{"id":"a"}}}""")] // cut before the end
    [InlineData("""{"data":{"todo":{"a":{"id":""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"data":[],"cursor":1}""")]
    [InlineData("""{"data":{"todo":[]},"cursor":1}""")]
    [InlineData("""{"data":{},"cursor":-1}""")]
    [InlineData("""{"data":{"todo":{"":1}},"cursor":1}""")]
    [InlineData("")]
    public async Task A_broken_answer_is_malformed(string json)
    {
        await Assert.ThrowsAnyAsync<JsonException>(() => SnapshotStreamReader.ReadAsync(Stream(json), new Sink(), 1024, CancellationToken.None));
    }

    private static MemoryStream Stream(string json) => new(Encoding.UTF8.GetBytes(json));

    private sealed class Sink(bool keep = true) : ISnapshotSink
    {
        public List<(string, string, string)> Entities { get; } = [];

        public void Add(string entity, string id, ReadOnlyMemory<byte> json)
        {
            if (keep)
            {
                Entities.Add((entity, id, Encoding.UTF8.GetString(json.Span)));
            }
        }
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, as a slow network does.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
