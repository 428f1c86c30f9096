using ViewSync.Generators.Helpers;

namespace ViewSync.Generators.Models;

/// <summary>Everything one database's generated file depends on, and nothing else.</summary>
/// <param name="Database">The database.</param>
/// <param name="Entities">Its entities, sorted by wire name.</param>
/// <param name="Mutators">Its mutators, sorted by wire name.</param>
internal sealed record DatabaseOutput(DatabaseModel Database, EquatableArray<EntityModel> Entities, EquatableArray<MutatorModel> Mutators);
