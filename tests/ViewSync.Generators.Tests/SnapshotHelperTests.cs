using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

public class SnapshotHelperTests
{
    [Fact]
    public void A_mismatch_writes_the_received_file_and_fails_with_a_unified_diff()
    {
        var name = $"helper-selftest-{Guid.NewGuid():N}";
        var directory = Path.Combine(Snapshot.ProjectDirectory, "_snapshots");
        var verified = Path.Combine(directory, $"{name}.verified.cs");
        var received = Path.Combine(directory, $"{name}.received.cs");
        Directory.CreateDirectory(directory);
        File.WriteAllText(verified, "line 1\nline 2\nline 3\n");
        try
        {
            var error = Assert.ThrowsAny<Exception>(() => Snapshot.Match("line 1\nline two\nline 3\n", name, accept: false));

            Assert.Contains("-line 2", error.Message, StringComparison.Ordinal);
            Assert.Contains("+line two", error.Message, StringComparison.Ordinal);
            Assert.Contains("@@ -1,4 +1,4 @@", error.Message, StringComparison.Ordinal);
            Assert.Equal("line 1\nline two\nline 3\n", File.ReadAllText(received));

            Snapshot.Match("line 1\nline 2\nline 3\n", name, accept: false);
            Assert.False(File.Exists(received));
        }
        finally
        {
            File.Delete(verified);
            File.Delete(received);
        }
    }

    [Fact]
    public void The_diff_shows_only_changed_regions_with_context()
    {
        var expected = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"line {i}"));
        var actual = expected.Replace("line 5\n", "line five\n", StringComparison.Ordinal).Replace("line 25\n", "", StringComparison.Ordinal);

        var diff = Snapshot.UnifiedDiff(expected, actual, "a", "b");

        Assert.Equal(2, diff.Split('\n').Count(l => l.StartsWith("@@", StringComparison.Ordinal)));
        Assert.DoesNotContain(" line 15", diff, StringComparison.Ordinal);
    }
}
