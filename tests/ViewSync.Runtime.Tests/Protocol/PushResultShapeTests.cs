using System.Text.Json;
using ViewSync.Mutators;
using ViewSync.Protocol;

namespace ViewSync.Runtime.Tests.Protocol;

/// <summary>Push results as the Go engine writes them: fields left out, codes missing.</summary>
public class PushResultShapeTests
{
    private static PushResult Read(string json) =>
        Assert.Single(JsonSerializer.Deserialize($$"""{"results":[{{json}}]}""", ProtocolJsonContext.Default.PushResponse)!.Results);

    [Fact]
    public void An_ok_result_without_a_cursor_says_so_instead_of_reading_as_cursor_0()
    {
        var result = Read("""{"ok":true}""");

        Assert.True(result.Ok);
        Assert.Null(result.Cursor);
        Assert.True(result.IsAppliedWithoutCursor);
        Assert.False(Read("""{"ok":true,"cursor":7}""").IsAppliedWithoutCursor);
        Assert.False(Read("""{"ok":false,"error":"x"}""").IsAppliedWithoutCursor);
    }

    [Theory]
    [InlineData("""{"ok":false,"error":"sync: conflict"}""", ErrorCodes.Conflict)]
    [InlineData("""{"ok":false,"error":"bad args"}""", ErrorCodes.InvalidMutation)]
    [InlineData("""{"ok":false}""", ErrorCodes.InvalidMutation)]
    [InlineData("""{"ok":false,"code":"","error":"Conflict on todo a"}""", ErrorCodes.Conflict)]
    [InlineData("""{"ok":false,"code":"not_found","error":"conflict"}""", ErrorCodes.NotFound)]
    public void A_rejection_without_a_code_is_a_conflict_when_the_error_says_so(string json, string expected)
    {
        var result = Read(json);

        Assert.Null(result.Cursor);
        Assert.Equal(expected, result.EffectiveCode);
    }
}
