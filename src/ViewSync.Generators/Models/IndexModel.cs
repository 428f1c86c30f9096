namespace ViewSync.Generators.Models;

/// <summary>A <c>[SyncIndex]</c> property of an entity, with a supported key type.</summary>
/// <param name="Property">The property's name, e.g. <c>ListId</c>.</param>
/// <param name="KeyType">The key type, <c>global::</c>-qualified, without a nullable annotation.</param>
/// <param name="MethodName">The lookup's name, e.g. <c>ByListId</c>.</param>
internal sealed record IndexModel(string Property, string KeyType, string MethodName);
