namespace ViewSync.Generators;

internal static class GeneratorInfo
{
    /// <summary>Written into <c>[GeneratedCode]</c>. Fixed per release so output does not change between builds.</summary>
    public const string Version = "0.1.0";
}
