using System.Text.Json;

namespace ViewSync.Store;

/// <summary>Checks that bytes hold exactly one complete JSON value, without building a document.</summary>
internal static class Utf8JsonValidator
{
    public static bool IsValid(ReadOnlySpan<byte> json, out string? error)
    {
        if (json.IsEmpty)
        {
            error = "it is empty";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read())
            {
                error = "it holds no JSON value";
                return false;
            }

            reader.Skip();
            if (reader.Read())
            {
                error = $"it has data after the first JSON value (at byte {reader.TokenStartIndex})";
                return false;
            }

            error = null;
            return true;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return false;
        }
    }

    public static void ThrowIfInvalid(ReadOnlySpan<byte> json, string paramName)
    {
        if (!IsValid(json, out var error))
        {
            throw new ArgumentException($"The value must be one complete JSON value (UTF-8), but {error}.", paramName);
        }
    }
}
