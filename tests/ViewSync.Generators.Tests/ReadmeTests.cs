using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

/// <summary>The README's "A first look" compiles as a new console app's <c>Program.cs</c>, and prints what its comments say.</summary>
public sealed class ReadmeTests
{
    /// <summary>The global usings <c>dotnet new console</c> turns on (ImplicitUsings).</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [Fact]
    public async Task A_first_look_compiles_as_Program_cs_of_a_new_console_app_and_prints_what_it_says()
    {
        var program = FirstLook();
        var compilation = GeneratorHarness.Compile(ImplicitUsings, program);
        compilation = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));

        var (output, result) = GeneratorHarness.Run(compilation);

        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        var problems = (await Task.Run(() => output.GetDiagnostics())).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "The README's first look does not compile as Program.cs:\n" + string.Join("\n", problems) + "\n\n" + program);

        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var printed = Run(image.ToArray());
        Assert.Equal(["0 open", "1 open", "0 open"], printed);
    }

    /// <summary>The first C# block under "## A first look".</summary>
    private static string FirstLook()
    {
        var readme = File.ReadAllText(Path.Combine(Snapshot.ProjectDirectory, "..", "..", "README.md")).Replace("\r\n", "\n");
        var section = readme.IndexOf("\n## A first look\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no \"## A first look\" section.");
        var start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal);
        var next = readme.IndexOf("\n## ", section + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && (next < 0 || start < next), "\"A first look\" has no ```csharp block.");
        start += "```csharp\n".Length;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end] + "\n";
    }

    /// <summary>Runs the app's entry point in a collectible context and returns the lines it printed.</summary>
    private static string[] Run(byte[] image)
    {
        var context = new AssemblyLoadContext("readme-first-look", isCollectible: true);
        var original = Console.Out;
        using var printed = new StringWriter();
        try
        {
            var entry = context.LoadFromStream(new MemoryStream(image)).EntryPoint!;
            Console.SetOut(printed);
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new InvalidOperationException($"The README's first look threw: {inner}", inner);
        }
        finally
        {
            Console.SetOut(original);
            context.Unload();
        }

        return printed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
