using System.Reflection;

namespace ViewSync.Generators.Tests;

public class GeneratorAssemblyTests
{
    // The generator must load in every Roslyn host (Visual Studio, the .NET SDK, Rider), which all accept netstandard2.0.
    [Fact]
    public void Generator_assembly_targets_netstandard20()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "ViewSync.Generators.dll");
        var assembly = Assembly.LoadFrom(path);

        var netstandard = Assert.Single(assembly.GetReferencedAssemblies(), a => a.Name == "netstandard");
        Assert.Equal(new Version(2, 0, 0, 0), netstandard.Version);
        Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name == "System.Runtime");
    }
}
