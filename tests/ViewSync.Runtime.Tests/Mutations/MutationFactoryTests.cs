using System.Collections.Concurrent;
using System.Text.Json;
using ViewSync.Mutations;

namespace ViewSync.Runtime.Tests.Mutations;

public class MutationFactoryTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly JsonElement Args = JsonDocument.Parse("""{"id":"abc"}""").RootElement.Clone();

    [Fact]
    public void Mints_the_next_seq_after_the_loaded_one_with_client_scope_and_time()
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var factory = new MutationFactory("a1b2c3d4e5f60718", "user:1", lastSeq: 41, new FixedTime(now));

        var first = factory.Create("todo.delete", Args);
        var second = factory.Create("todo.delete", Args);

        Assert.Equal(42UL, first.Seq);
        Assert.Equal(43UL, second.Seq);
        Assert.Equal(43UL, factory.LastSeq);
        Assert.Equal("a1b2c3d4e5f60718", first.Client);
        Assert.Equal("user:1", first.Scope);
        Assert.Equal(now, first.CreatedAt);
        Assert.Matches("^[0-9a-f]{32}$", first.Id);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void Concurrent_callers_get_distinct_seqs_without_gaps()
    {
        var factory = new MutationFactory("c", "s", lastSeq: 0);
        var seqs = new ConcurrentBag<ulong>();

        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => seqs.Add(factory.Create("n", Args).Seq));

        Assert.Equal(Enumerable.Range(1, 4000).Select(i => (ulong)i), seqs.Order());
    }

    [Fact]
    public void Exhausted_seqs_throw_instead_of_wrapping()
    {
        var factory = new MutationFactory("c", "s", lastSeq: ulong.MaxValue - 1);
        Assert.Equal(ulong.MaxValue, factory.Create("n", Args).Seq);

        var error = Assert.Throws<InvalidOperationException>(() => factory.Create("n", Args));
        Assert.Contains("new client id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new MutationFactory("", "s", 0));
        Assert.Throws<ArgumentException>(() => new MutationFactory("c", " ", 0));
        var factory = new MutationFactory("c", "s", 0);
        Assert.Throws<ArgumentException>(() => factory.Create("", Args));
        Assert.Throws<ArgumentException>(() => factory.Create("n", default));
        Assert.Equal(0UL, factory.LastSeq);
    }
}
