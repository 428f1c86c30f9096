using Microsoft.CodeAnalysis;

namespace ViewSync.Generators.Tests.Support;

/// <summary>Assertions on the ViewSync diagnostics of a source, as a build would show them.</summary>
internal static class DiagnosticAssert
{
    /// <summary>Asserts that <paramref name="id"/> is the only ViewSync diagnostic and returns it.</summary>
    public static async Task<Diagnostic> SingleAsync(string id, params string[] sources)
    {
        var diagnostics = await GeneratorHarness.DiagnosticsAsync(sources);
        var ours = diagnostics.Where(d => d.Id.StartsWith("VSYNC", StringComparison.Ordinal)).ToList();
        Assert.True(ours.Count == 1 && ours[0].Id == id,
            $"Expected exactly {id}, got: {string.Join("; ", diagnostics.Select(d => $"{d.Id}: {d.GetMessage()}"))}");
        return ours[0];
    }

    /// <summary>Asserts that the diagnostic points at <paramref name="text"/> on the source line that contains <paramref name="line"/>.</summary>
    public static void At(Diagnostic diagnostic, string text, string line)
    {
        Assert.True(diagnostic.Location.IsInSource, $"{diagnostic.Id} has no source location");
        var tree = diagnostic.Location.SourceTree!;
        Assert.Equal(text, tree.ToString().Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        var lineText = tree.GetText().Lines[diagnostic.Location.GetLineSpan().StartLinePosition.Line].ToString();
        Assert.Contains(line, lineText, StringComparison.Ordinal);
    }
}
