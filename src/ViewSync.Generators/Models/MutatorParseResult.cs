using ViewSync.Generators.Helpers;

namespace ViewSync.Generators.Models;

/// <summary>A <c>[Mutator]</c> method that names a database: its model when one can be generated, and what is wrong with it otherwise.</summary>
/// <param name="Model">The mutator, or null when a parameter makes it impossible to generate (see <see cref="Diagnostics"/>).</param>
/// <param name="Location">The method's name in source.</param>
/// <param name="Diagnostics">What the generator reports about it.</param>
internal sealed record MutatorParseResult(MutatorModel? Model, LocationInfo? Location, EquatableArray<DiagnosticInfo> Diagnostics);
