namespace ViewSync.Generators.Models;

/// <summary>A <c>[SyncDatabase]</c> partial class.</summary>
/// <param name="Type">Where it is declared.</param>
/// <param name="Accessibility">"public" or "internal".</param>
/// <param name="JsonContext">The app's JSON context, <c>global::</c>-qualified.</param>
internal sealed record DatabaseModel(TypeHierarchy Type, string Accessibility, string JsonContext);
