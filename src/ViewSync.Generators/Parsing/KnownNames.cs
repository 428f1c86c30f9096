namespace ViewSync.Generators.Parsing;

/// <summary>Metadata names the generator and analyzer look for.</summary>
internal static class KnownNames
{
    public const string SyncEntityAttribute = "ViewSync.SyncEntityAttribute";
    public const string MutatorAttribute = "ViewSync.MutatorAttribute";
    public const string SyncDatabaseAttribute = "ViewSync.SyncDatabaseAttribute";
    public const string JsonSerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";
    public const string JsonSerializerContext = "System.Text.Json.Serialization.JsonSerializerContext";
    public const string TxTypeName = "Tx";
    public const string DefaultKey = "Id";

    public const string SyncIndexAttribute = "ViewSync.SyncIndexAttribute";

    /// <summary>The built-in entity mutators, <c>{entity}.{operation}</c>.</summary>
    public static readonly string[] BuiltInOperations = ["create", "update", "delete"];
}
