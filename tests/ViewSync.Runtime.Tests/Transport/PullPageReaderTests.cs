using System.Text;
using System.Text.Json;
using ViewSync.Transport;

namespace ViewSync.Runtime.Tests.Transport;

/// <summary>A pull page is read as a stream into store writes, whatever way the bytes arrive, and broken pages are malformed.</summary>
public sealed class PullPageReaderTests
{
    private const string Page = """
        {"changes": [
           {"cursor": 41, "scope": "user:1", "time": "2026-11-24T10:00:00.123456789Z",
            "data": {"entity": "todo", "id": "a", "op": "create", "value": {"id":"a","title":"Buy \"milk\" ü","tags":[1,[2,{"x":null}]]}}},
           {"cursor": 42, "scope": "user:1", "time": "2026-11-24T10:00:01Z", "extra": {"ignored": [1, {"deep": [[[]]]}]},
            "data": {"value": "just a string", "op": "update", "id": "s", "entity": "odd", "more": 1}},
           {"cursor": 43, "scope": "user:1", "time": "2026-11-24T10:00:02Z", "data": "a Go server's own payload"},
           {"cursor": 44, "scope": "user:1", "time": "2026-11-24T10:00:03Z", "data": {"entity": "odd", "id": "n", "op": "update", "value": 12.5e3}},
           {"cursor": 45, "scope": "user:1", "time": "2026-11-24T10:00:04Z", "data": {"entity": "odd", "id": "arr", "op": "update", "value": [1, "two", {"three": 3}]}},
           {"cursor": 46, "scope": "user:1", "time": "2026-11-24T10:00:05Z", "data": {"entity": "todo", "id": "a", "op": "delete"}},
           {"cursor": 47, "scope": "user:1", "time": "2026-11-24T10:00:06Z", "data": [1, 2]},
           {"cursor": 48, "scope": "user:1", "time": "2026-11-24T10:00:07Z", "data": null},
           {"cursor": 49, "scope": "user:1", "time": "2026-11-24T10:00:08Z"},
           {"cursor": 50, "scope": "user:1", "time": "2026-11-24T10:00:09Z", "data": {"entity": "", "id": "x", "op": "update", "value": 1}}
         ],
         "unknown": {"a": [1, 2, 3]}, "has_more": true, "next_cursor": 57}
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(100_000)]
    public async Task Every_entity_change_comes_out_as_a_write_however_the_bytes_are_split(int chunk)
    {
        var page = await PullPage.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(Page), chunk), 1 << 20, CancellationToken.None);

        Assert.Equal(
            [
                ("todo", "a", """{"id":"a","title":"Buy \"milk\" ü","tags":[1,[2,{"x":null}]]}"""),
                ("odd", "s", "\"just a string\""),
                ("odd", "n", "12.5e3"),
                ("odd", "arr", """[1, "two", {"three": 3}]"""),
                ("todo", "a", null),
            ],
            Writes(page));
        Assert.Equal(10, page.ChangeCount);
        Assert.Equal(((ulong?)41, (ulong?)50), (page.LowestCursor, page.LastCursor));
        Assert.True(page.HasMore);
        Assert.Equal(57UL, page.NextCursor);
        Assert.Equal(57UL, page.CursorAfter(40));
    }

    [Fact]
    public async Task Each_value_is_an_array_of_its_own_exact_size()
    {
        var page = await Read(Page);

        var values = page.Writes.Where(w => w.Json is not null).Select(w => w.Json!.Value).ToList();
        Assert.All(values, v => Assert.True(
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(v, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length,
            "a value is a slice of a larger buffer"));
        Assert.Equal(values.Count, values.Select(v => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(v, out var s) ? s.Array : null).Distinct().Count());
    }

    [Theory]
    [InlineData("""{"changes":null}""", 40UL)] // the Go engine's empty page: no has_more, no next_cursor
    [InlineData("""{}""", 40UL)]
    [InlineData("""{"changes":[],"has_more":false}""", 40UL)]
    [InlineData("""{"changes":[],"has_more":null}""", 40UL)]
    [InlineData("""{"changes":[],"has_more":false,"next_cursor":40}""", 40UL)]
    [InlineData("""{"changes":[],"next_cursor":57}""", 57UL)] // a server may skip past other scopes' changes
    [InlineData("""{"changes":null,"next_cursor":null}""", 40UL)]
    [InlineData(""" {"next_cursor":57,"changes":[]} """, 57UL)]
    public async Task An_empty_page_leaves_the_client_at_next_cursor_or_where_it_was(string json, ulong expected)
    {
        var page = await Read(json);

        Assert.Empty(page.Writes);
        Assert.Equal(0, page.ChangeCount);
        Assert.Null(page.LastCursor);
        Assert.False(page.HasMore);
        Assert.Equal(expected, page.CursorAfter(40));
    }

    [Fact]
    public async Task Without_next_cursor_the_last_change_decides()
    {
        var page = await Read($$"""{"changes":[{{Delete(41)}},{{Delete(45)}}],"has_more":true}""");

        Assert.Null(page.NextCursor);
        Assert.Equal(45UL, page.CursorAfter(40));
    }

    [Theory]
    [InlineData("""{"changes":[],"next_cursor":39}""")] // next_cursor behind the request
    [InlineData("""{"changes":null,"has_more":true}""")] // has_more without moving: would loop forever
    [InlineData("""{"changes":[],"has_more":true,"next_cursor":40}""")]
    public async Task Pages_that_go_backwards_or_nowhere_have_no_cursor_after(string json)
    {
        Assert.Null((await Read(json)).CursorAfter(40));
    }

    [Theory]
    [InlineData(40UL, 45UL)] // a change at the request's cursor
    [InlineData(39UL, 45UL)] // a change before it
    [InlineData(45UL, 40UL)] // the last change at the request's cursor
    public async Task A_change_at_or_before_the_request_cursor_makes_the_page_go_backwards(ulong first, ulong second)
    {
        var page = await Read($$"""{"changes":[{{Delete(first)}},{{Delete(second)}}],"next_cursor":50}""");

        Assert.Null(page.CursorAfter(40));
    }

    [Fact]
    public async Task A_change_without_a_cursor_is_at_0_and_goes_backwards()
    {
        var page = await Read("""{"changes":[{"data":{"entity":"todo","id":"a","op":"delete"}}],"next_cursor":50}""");

        Assert.Equal(0UL, page.LowestCursor);
        Assert.Null(page.CursorAfter(40));
    }

    [Theory]
    [InlineData("""{"changes": [{"cursor": 1, "sco""", "end of data")] // cut off
    [InlineData("""{"changes": [{"cursor": 1, "scope": "s", "time": "2026-11-24T10:00:00Z", "data": {"entity": "todo", "id": "a", "op": "update", "value": {"id": """, "")]
    [InlineData("""{"changes": "none", "has_more": false, "next_cursor": 1}""", "\"changes\" must be an array")]
    [InlineData("""{"changes": [], "has_more": "no"}""", "\"has_more\" must be true or false")]
    [InlineData("""{"changes": [], "next_cursor": -1}""", "\"next_cursor\" must be an unsigned 64-bit integer")]
    [InlineData("""{"changes": [], "next_cursor": "5"}""", "\"next_cursor\" must be an unsigned 64-bit integer")]
    [InlineData("""{"changes": [], "next_cursor": 18446744073709551616}""", "\"next_cursor\" must be an unsigned 64-bit integer")]
    [InlineData("""{"changes": [null]}""", "change #1 of the page is null")]
    [InlineData("""{"changes": [5]}""", "change #1 of the page is not an object")]
    [InlineData("""{"changes": [{"cursor": 1.5}]}""", "\"cursor\" must be an unsigned 64-bit integer")]
    [InlineData("""{"changes": [{"cursor": 1, "scope": 3}]}""", "change 1's \"scope\" is not a string")]
    [InlineData("""{"changes": [{"cursor": 1, "time": "yesterday"}]}""", "change 1's \"time\" is not an RFC 3339 time")]
    [InlineData("""{"changes": [{"cursor": 1, "time": null}]}""", "change 1's \"time\" is not an RFC 3339 time")]
    [InlineData("""{"changes": [{"cursor": 7, "data": {"entity": "todo", "id": "a"}}]}""", "change 7 does not hold an entity change: it lacks \"entity\", \"id\" or \"op\"")]
    [InlineData("""{"changes": [{"cursor": 7, "data": {"entity": 1, "id": "a", "op": "update", "value": 1}}]}""", "change 7 does not hold an entity change: \"entity\" is not a string")]
    [InlineData("""{"changes": [{"cursor": 7, "data": {"entity": "todo", "id": "a", "op": "update"}}]}""", "change 7 (update of todo 'a') has no value")]
    [InlineData("""{"changes": [{"cursor": 7, "data": {"entity": "todo", "id": "a", "op": "create", "value": null}}]}""", "change 7 (create of todo 'a') has no value")]
    [InlineData("""{"changes": [{"data": {"entity": "todo", "id": "a", "op": "create"}, "cursor": 7}]}""", "change 7 (create of todo 'a') has no value")] // the cursor after the data
    [InlineData("""{"changes": [], "changes": []}""", "\"changes\" appears twice")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("""{"changes": []} {}""", "")] // anything after the answer
    [InlineData("""{"changes": [],}""", "")]
    [InlineData("""{"changes": [] /* a comment */}""", "")]
    [InlineData("""<html>gateway</html>""", "")]
    [InlineData("", "")]
    public async Task A_broken_answer_is_malformed_with_a_clear_message(string json, string message)
    {
        foreach (var chunk in new[] { 1, 5, 1 << 20 })
        {
            var error = await Assert.ThrowsAnyAsync<JsonException>(() => PullPage.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(json), chunk), 1 << 20, CancellationToken.None));
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_page_over_the_cap_is_refused_without_being_read_whole()
    {
        var json = "{\"changes\":[" + string.Join(",", Enumerable.Range(1, 100).Select(i => Update((ulong)i, new string('x', 1000)))) + "]}";
        var stream = new TrickleStream(Encoding.UTF8.GetBytes(json), 4096);

        var error = await Assert.ThrowsAsync<ResponseTooLargeException>(() => PullPage.ReadAsync(stream, 32 * 1024, CancellationToken.None));

        Assert.Contains("larger than 32768 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(stream.Position <= 32 * 1024 + 4096, $"{stream.Position} bytes were read");
        Assert.Equal(100, (await Read(json, 1 << 20)).Writes.Count); // under a larger cap it is fine
    }

    [Fact]
    public async Task The_cap_counts_every_byte_not_only_values()
    {
        var json = "{\"changes\":[]," + new string(' ', 10_000) + "\"has_more\":false}";

        await Assert.ThrowsAsync<ResponseTooLargeException>(() => Read(json, 8192));
        Assert.False((await Read(json, 16_384)).HasMore);
    }

    [Fact]
    public async Task A_value_larger_than_the_read_buffer_comes_out_whole()
    {
        var title = new string('y', 300_000);
        var page = await Read("{\"changes\":[" + Update(1, title) + "," + Update(2, "small") + "]}", 1 << 20);

        Assert.Equal([$$"""{"title":"{{title}}"}""", """{"title":"small"}"""], page.Writes.Select(w => Encoding.UTF8.GetString(w.Json!.Value.Span)));
    }

    [Fact]
    public async Task Escaped_field_names_are_read_as_their_text()
    {
        var page = await Read("""{"changes":[{"\u0063ursor":3,"data":{"entit\u0079":"todo","id":"a\u00e9","op":"update","value":{"\u0069d":"a"}}}],"has_more":false}""");

        var write = Assert.Single(page.Writes);
        Assert.Equal(("todo", "aé", """{"\u0069d":"a"}"""), (write.Entity, write.Id, Encoding.UTF8.GetString(write.Json!.Value.Span)));
        Assert.Equal(3UL, page.LastCursor);
    }

    [Fact]
    public async Task The_last_value_of_a_repeated_field_wins_and_a_later_non_object_data_is_ignored()
    {
        var page = await Read("""
            {"changes":[
              {"cursor":1,"data":{"entity":"todo","id":"a","op":"update","value":1,"value":2}},
              {"cursor":2,"data":{"entity":"todo","id":"b","op":"update","value":1},"data":"replaced"}
            ]}
            """);

        Assert.Equal([("todo", "a", "2")], Writes(page));
        Assert.Equal(2, page.ChangeCount);
    }

    [Fact]
    public async Task A_delete_needs_no_value_and_ignores_one()
    {
        var page = await Read("""{"changes":[{"cursor":1,"data":{"entity":"todo","id":"a","op":"delete","value":{"id":"a"}}}]}""");

        Assert.Equal([("todo", "a", (string?)null)], Writes(page));
    }

    [Fact]
    public async Task Cancellation_is_thrown()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PullPage.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(Page), 16), 1 << 20, cancel.Token));
    }

    private static Task<PullPage> Read(string json, long max = 1 << 20) => PullPage.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), max, CancellationToken.None);

    private static List<(string, string, string?)> Writes(PullPage page) =>
        [.. page.Writes.Select(w => (w.Entity, w.Id, w.Json is { } json ? Encoding.UTF8.GetString(json.Span) : null))];

    private static string Delete(ulong cursor) =>
        $$$"""{"cursor":{{{cursor}}},"scope":"s","time":"2026-11-24T10:00:00Z","data":{"entity":"todo","id":"d{{{cursor}}}","op":"delete"}}""";

    private static string Update(ulong cursor, string title) =>
        $$$$"""{"cursor":{{{{cursor}}}},"scope":"s","time":"2026-11-24T10:00:00Z","data":{"entity":"todo","id":"t{{{{cursor}}}}","op":"update","value":{"title":"{{{{title}}}}"}}}""";

    /// <summary>Hands out at most <c>chunk</c> bytes per read, as a slow network does.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
