using System.Text.Json;
using ViewSync.Protocol;

namespace ViewSync.Runtime.Tests.Protocol;

/// <summary>Where a client stands after a pull page, for every shape PROTOCOL.md allows, and the malformed ones.</summary>
public class PullResponseCursorTests
{
    private static PullResponse Read(string json) => JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.PullResponse)!;

    private static string Change(ulong cursor) =>
        $$$"""{"cursor":{{{cursor}}},"scope":"s","time":"2026-11-24T10:00:00.123456789Z","data":{"entity":"todo","id":"a","op":"delete"}}""";

    [Theory]
    [InlineData("""{"changes":null}""", 40UL)] // the Go engine's empty page: no has_more, no next_cursor
    [InlineData("""{}""", 40UL)]
    [InlineData("""{"changes":[],"has_more":false}""", 40UL)]
    [InlineData("""{"changes":[],"has_more":false,"next_cursor":40}""", 40UL)]
    [InlineData("""{"changes":[],"next_cursor":57}""", 57UL)] // a server may skip past other scopes' changes
    [InlineData("""{"changes":null,"next_cursor":null}""", 40UL)]
    public void An_empty_page_leaves_the_client_at_next_cursor_or_where_it_was(string json, ulong expected)
    {
        var page = Read(json);

        Assert.Equal(expected, page.CursorAfter(40));
        Assert.False(page.HasMore);
    }

    [Fact]
    public void Without_next_cursor_the_last_change_decides()
    {
        var page = Read($$"""{"changes":[{{Change(41)}},{{Change(45)}}],"has_more":true}""");

        Assert.Null(page.NextCursor);
        Assert.Equal(45UL, page.CursorAfter(40));
    }

    [Fact]
    public void A_present_next_cursor_wins_over_the_last_change()
    {
        Assert.Equal(50UL, Read($$"""{"changes":[{{Change(41)}}],"next_cursor":50}""").CursorAfter(40));
    }

    [Theory]
    [InlineData("""{"changes":[],"next_cursor":39}""")] // next_cursor behind the request
    [InlineData("""{"changes":null,"has_more":true}""")] // has_more without moving: would loop forever
    [InlineData("""{"changes":[],"has_more":true,"next_cursor":40}""")]
    [InlineData("""{"changes":[null]}""")]
    public void Pages_that_go_backwards_or_nowhere_are_malformed(string json)
    {
        Assert.Null(Read(json).CursorAfter(40));
    }

    [Fact]
    public void A_last_change_at_or_before_the_request_cursor_is_malformed_without_next_cursor()
    {
        Assert.Null(Read($$"""{"changes":[{{Change(40)}}]}""").CursorAfter(40));
    }

    [Fact]
    public void Go_style_nanosecond_times_are_read()
    {
        var change = Assert.Single(Read($$"""{"changes":[{{Change(41)}}]}""").Changes);

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567), change.Time);
    }

    [Fact]
    public void The_server_writes_next_cursor_only_when_it_has_one()
    {
        Assert.Equal("""{"changes":[],"has_more":false}""", JsonSerializer.Serialize(new PullResponse(), ProtocolJsonContext.Default.PullResponse));
        Assert.Equal("""{"changes":[],"has_more":false,"next_cursor":3}""", JsonSerializer.Serialize(new PullResponse { NextCursor = 3 }, ProtocolJsonContext.Default.PullResponse));
    }
}
