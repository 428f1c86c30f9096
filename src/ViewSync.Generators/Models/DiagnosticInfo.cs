using Microsoft.CodeAnalysis;
using ViewSync.Generators.Diagnostics;
using ViewSync.Generators.Helpers;

namespace ViewSync.Generators.Models;

/// <summary>A diagnostic the generator reports, as plain values so that pipeline steps stay cacheable.</summary>
/// <param name="Id">The descriptor's id (see <see cref="DiagnosticDescriptors"/>).</param>
/// <param name="Location">Where, or null for none.</param>
/// <param name="Arguments">The message's arguments.</param>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(DiagnosticDescriptors.ById(Id), Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, [.. Arguments]);
}
