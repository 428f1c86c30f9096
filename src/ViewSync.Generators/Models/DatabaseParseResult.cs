using ViewSync.Generators.Helpers;

namespace ViewSync.Generators.Models;

/// <summary>A <c>[SyncDatabase]</c> class: its model when one can be generated, and what is wrong with it otherwise.</summary>
/// <param name="Model">The database, or null when it cannot be generated.</param>
/// <param name="Diagnostics">What the generator reports about it.</param>
internal sealed record DatabaseParseResult(DatabaseModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
