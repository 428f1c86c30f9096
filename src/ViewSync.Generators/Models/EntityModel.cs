using ViewSync.Generators.Helpers;

namespace ViewSync.Generators.Models;

/// <summary>A <c>[SyncEntity]</c> type.</summary>
/// <param name="WireName">The entity name used in mutations and changes, e.g. <c>todo</c>.</param>
/// <param name="Type">The entity type, <c>global::</c>-qualified.</param>
/// <param name="TypeName">The entity type's simple name, e.g. <c>Todo</c>.</param>
/// <param name="Namespace">The entity's namespace, for matching it to a database.</param>
/// <param name="Key">The string key property, e.g. <c>Id</c>.</param>
/// <param name="CollectionName">The database property name, e.g. <c>Todos</c>.</param>
/// <param name="Indexes">Its <c>[SyncIndex]</c> properties with supported key types, by property name.</param>
internal sealed record EntityModel(string WireName, string Type, string TypeName, string Namespace, string Key, string CollectionName, EquatableArray<IndexModel> Indexes);
