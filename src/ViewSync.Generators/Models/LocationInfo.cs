using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ViewSync.Generators.Models;

/// <summary>
/// A source location with value equality, so a pipeline step that carries one can be cached
/// (a <see cref="Location"/> holds its syntax tree and would never compare equal across runs).
/// </summary>
/// <param name="FilePath">The file.</param>
/// <param name="Span">The character span.</param>
/// <param name="LineSpan">The line and column span.</param>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    /// <summary>The location of <paramref name="location"/>, or null when it is not in source.</summary>
    public static LocationInfo? From(Location? location) =>
        location is { IsInSource: true, SourceTree: not null }
            ? new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span)
            : null;

    /// <summary>The first source location of <paramref name="symbol"/>.</summary>
    public static LocationInfo? From(ISymbol symbol) =>
        symbol.Locations.Length == 0 ? null : From(symbol.Locations[0]);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}
