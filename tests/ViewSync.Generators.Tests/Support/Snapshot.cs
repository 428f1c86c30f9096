using System.Reflection;
using System.Text;

namespace ViewSync.Generators.Tests.Support;

/// <summary>
/// Compares generated code against committed <c>_snapshots/*.verified.cs</c> files. A mismatch writes
/// <c>*.received.cs</c> beside the snapshot and fails with a unified diff; run with
/// <c>VIEWSYNC_ACCEPT=1</c> to accept the received output as the new snapshot.
/// </summary>
internal static class Snapshot
{
    /// <summary>The test project's source directory, recorded at build time (see the .csproj).</summary>
    public static string ProjectDirectory { get; } =
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "ProjectDirectory")?.Value
        ?? throw new InvalidOperationException("The test assembly has no ProjectDirectory metadata; build it with its .csproj.");

    public static void Match(string actual, string name) =>
        Match(actual, name, Environment.GetEnvironmentVariable("VIEWSYNC_ACCEPT") == "1");

    public static void Match(string actual, string name, bool accept)
    {
        var directory = Path.Combine(ProjectDirectory, "_snapshots");
        var verified = Path.Combine(directory, $"{name}.verified.cs");
        var received = Path.Combine(directory, $"{name}.received.cs");
        actual = actual.Replace("\r\n", "\n");

        if (accept)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(received, actual);
        var message = expected is null
            ? $"No snapshot {verified} yet. Review {received} and run the tests with VIEWSYNC_ACCEPT=1 to accept it."
            : $"Generated code differs from {verified} (received: {received}). Run with VIEWSYNC_ACCEPT=1 to accept.\n{UnifiedDiff(expected, actual, verified, received)}";
        Assert.Fail(message);
    }

    /// <summary>A unified diff with three lines of context, from a longest-common-subsequence alignment.</summary>
    internal static string UnifiedDiff(string expected, string actual, string expectedName, string actualName)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        // Edit script: (' ', line), ('-', line), ('+', line), with positions in a and b.
        var script = new List<(char Op, string Line, int A, int B)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                script.Add((' ', a[x], x++, y++));
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                script.Add(('+', b[y], x, y++));
            }
            else
            {
                script.Add(('-', a[x], x++, y));
            }
        }

        const int context = 3;
        var output = new StringBuilder().Append("--- ").AppendLine(expectedName).Append("+++ ").AppendLine(actualName);
        var index = 0;
        while (index < script.Count)
        {
            var change = script.FindIndex(index, s => s.Op != ' ');
            if (change < 0)
            {
                break;
            }

            var start = Math.Max(index, change - context);
            var end = change;
            while (end < script.Count)
            {
                var next = script.FindIndex(end, s => s.Op != ' ');
                if (next < 0 || next - end > 2 * context)
                {
                    break;
                }

                end = next + 1;
            }

            end = Math.Min(script.Count, end + context);
            var hunk = script.GetRange(start, end - start);
            var aCount = hunk.Count(s => s.Op != '+');
            var bCount = hunk.Count(s => s.Op != '-');
            output.Append("@@ -").Append(hunk[0].A + 1).Append(',').Append(aCount)
                .Append(" +").Append(hunk[0].B + 1).Append(',').Append(bCount).AppendLine(" @@");
            foreach (var (op, line, _, _) in hunk)
            {
                output.Append(op).AppendLine(line);
            }

            index = end;
        }

        return output.ToString();
    }
}
