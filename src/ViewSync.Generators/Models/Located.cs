namespace ViewSync.Generators.Models;

/// <summary>A model with the place it was declared, for the generator's diagnostics only (output steps take the bare model).</summary>
/// <param name="Value">The model.</param>
/// <param name="Location">Where its declaration is, or null when not in source.</param>
internal sealed record Located<T>(T Value, LocationInfo? Location);
