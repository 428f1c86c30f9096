using Microsoft.CodeAnalysis;

namespace ViewSync.Generators.Diagnostics;

/// <summary>
/// The APIs whose results depend on when, where or how often code runs: the clock, randomness, the
/// machine and process, and I/O. A mutator that uses one computes something else on the server, and
/// again on every rebase on the client.
/// </summary>
internal static class NondeterministicApis
{
    /// <summary>Why using <paramref name="member"/> (a property, field, method or constructor) is not deterministic, or null when it is.</summary>
    public static string? Reason(ISymbol member)
    {
        var type = member.ContainingType;
        if (type is null)
        {
            return null;
        }

        var typeName = type.OriginalDefinition.ToDisplayString();
        switch (typeName)
        {
            case "System.DateTime" or "System.DateTimeOffset" when member.Name is "Now" or "UtcNow" or "Today":
            case "System.TimeProvider" when member.Name is "System":
            case "System.Diagnostics.Stopwatch":
                return "reads the clock";
            case "System.Environment" when member.Name is "TickCount" or "TickCount64":
                return "reads the clock";
            case "System.Environment":
                return "depends on the machine and process it runs in";
            case "System.Guid" when member.Name is "NewGuid" or "CreateVersion7":
                return "is random";
            case "System.Security.Cryptography.RandomNumberGenerator":
                return "is random";
            case "System.Console":
            case "System.Net.Http.HttpClient":
            case "System.Net.Dns":
                return "does I/O";
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            switch (current.OriginalDefinition.ToDisplayString())
            {
                case "System.Random":
                    return "is random";
                case "System.Net.Http.HttpMessageInvoker":
                case "System.Net.WebClient":
                case "System.Net.Sockets.Socket":
                    return "does I/O";
            }
        }

        var ns = type.ContainingNamespace?.ToDisplayString();
        if (ns == "System.IO" && typeName is "System.IO.File" or "System.IO.Directory" or "System.IO.FileInfo" or "System.IO.DirectoryInfo" or
                "System.IO.FileSystemInfo" or "System.IO.DriveInfo" or "System.IO.FileStream" or "System.IO.StreamReader" or
                "System.IO.StreamWriter" or "System.IO.FileSystemWatcher" or "System.IO.RandomAccess")
        {
            return "does I/O";
        }

        return ns == "System.IO" && typeName == "System.IO.Path" && member.Name is "GetTempPath" or "GetTempFileName" or "GetRandomFileName" or "GetFullPath"
            ? "depends on the machine and process it runs in"
            : null;
    }
}
