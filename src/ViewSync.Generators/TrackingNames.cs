namespace ViewSync.Generators;

/// <summary>Names of the pipeline steps, so tests can assert how each one was re-run.</summary>
internal static class TrackingNames
{
    public const string Entities = nameof(Entities);
    public const string Mutators = nameof(Mutators);
    public const string Databases = nameof(Databases);
    public const string AllEntities = nameof(AllEntities);
    public const string AllMutators = nameof(AllMutators);
    public const string DatabaseOutputs = nameof(DatabaseOutputs);
    public const string Diagnostics = nameof(Diagnostics);
}
