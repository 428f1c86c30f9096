using ViewSync.Generators.Tests.Support;

namespace ViewSync.Generators.Tests;

public class SnapshotTests
{
    [Fact]
    public void Todo_database()
    {
        var generated = GeneratorHarness.Generated(TestSources.Todo);

        var (hint, source) = Assert.Single(generated);
        Assert.Equal("TodoApp.TodoDb.ViewSync.g.cs", hint);
        Snapshot.Match(source, "TodoDb");
    }
}
