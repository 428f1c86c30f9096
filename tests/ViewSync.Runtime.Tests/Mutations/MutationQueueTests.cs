using System.Text.Json;
using ViewSync.Mutations;

namespace ViewSync.Runtime.Tests.Mutations;

public class MutationQueueTests
{
    private static readonly JsonElement Args = JsonDocument.Parse("{}").RootElement.Clone();

    private static Mutation M(string id, ulong seq = 1) => new(id, "n", "s", "c", seq, Args, DateTimeOffset.UnixEpoch);

    private static MutationQueue Queue(params string[] ids) => new(ids.Select(id => M(id)));

    private static string[] Ids(MutationQueue queue) => queue.Pending().Select(m => m.Id).ToArray();

    [Fact]
    public void Keeps_push_order()
    {
        var queue = new MutationQueue();

        Assert.Equal("a", queue.Push(M("a")));
        queue.Push(M("b"));
        queue.Push(M("c"));

        Assert.Equal(["a", "b", "c"], Ids(queue));
        Assert.Equal(3, queue.Count);
        Assert.True(queue.TryPeek(out var first));
        Assert.Equal("a", first.Id);
    }

    [Fact]
    public void Pushing_a_queued_id_again_is_a_no_op()
    {
        var queue = new MutationQueue();
        var original = M("a", seq: 1);
        queue.Push(original);
        queue.Push(M("b"));

        Assert.Equal("a", queue.Push(M("a", seq: 99)));

        Assert.Equal(["a", "b"], Ids(queue));
        Assert.True(queue.TryGet("a", out var kept));
        Assert.Same(original, kept);
    }

    [Fact]
    public void Removes_from_front_middle_and_back()
    {
        var queue = Queue("a", "b", "c", "d", "e");

        Assert.True(queue.Remove("a"));
        Assert.True(queue.Remove("c"));
        Assert.True(queue.Remove("e"));
        Assert.False(queue.Remove("c"));
        Assert.False(queue.Remove("zzz"));

        Assert.Equal(["b", "d"], Ids(queue));
        Assert.False(queue.Contains("a"));
        Assert.True(queue.Contains("b"));
    }

    [Fact]
    public void A_removed_id_can_be_pushed_again_at_the_end()
    {
        var queue = Queue("a", "b");
        queue.Remove("a");

        queue.Push(M("a"));

        Assert.Equal(["b", "a"], Ids(queue));
    }

    [Fact]
    public void RemoveRange_counts_what_it_removed()
    {
        var queue = Queue("a", "b", "c");

        Assert.Equal(2, queue.RemoveRange(["c", "x", "a", "a"]));
        Assert.Equal(["b"], Ids(queue));
    }

    [Fact]
    public void Clear_empties_the_queue()
    {
        var queue = Queue("a", "b");

        queue.Clear();

        Assert.Equal(0, queue.Count);
        Assert.Empty(queue.Pending());
        Assert.False(queue.TryPeek(out _));
        Assert.False(queue.Contains("a"));
    }

    [Fact]
    public void Pending_with_a_limit_returns_the_oldest_batch_as_a_snapshot()
    {
        var queue = Queue("a", "b", "c");

        var batch = queue.Pending(2);
        queue.Remove("a");

        Assert.Equal(["a", "b"], batch.Select(m => m.Id));
        Assert.Empty(queue.Pending(0));
        Assert.Equal(["b", "c"], queue.Pending(10).Select(m => m.Id));
        Assert.Throws<ArgumentOutOfRangeException>(() => queue.Pending(-1));
    }

    [Fact]
    public void Concurrent_pushes_lose_nothing_and_duplicate_nothing()
    {
        var queue = new MutationQueue();
        const int threads = 4, perThread = 5000;
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                // Every thread also pushes ids another thread pushes, to race the de-duplication.
                queue.Push(M($"t{t}-{i}", (ulong)i));
                queue.Push(M($"shared-{i}", (ulong)i));
                if (i % 10 == 0)
                {
                    queue.Remove($"t{t}-{i}");
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => Assert.True(w.Join(TimeSpan.FromSeconds(30))));

        var ids = Ids(queue);
        var expected = Enumerable.Range(0, threads).SelectMany(t => Enumerable.Range(0, perThread).Where(i => i % 10 != 0).Select(i => $"t{t}-{i}"))
            .Concat(Enumerable.Range(0, perThread).Select(i => $"shared-{i}"));
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Length, queue.Count);

        // Each thread's own pushes keep their relative order.
        for (var t = 0; t < threads; t++)
        {
            var prefix = $"t{t}-";
            var own = ids.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Select(id => int.Parse(id[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(own.Order(), own);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_pushes_and_removals_anywhere_keep_the_order_of_a_plain_list(int seed)
    {
        // Holes from removals at the front, the middle and the end, compactions and growth, against a reference list.
        var random = new Random(seed);
        var queue = new MutationQueue();
        var reference = new List<string>();
        var next = 0;
        for (var step = 0; step < 5_000; step++)
        {
            var roll = random.Next(10);
            if (roll < 5 || reference.Count == 0)
            {
                var id = $"m{next++}";
                queue.Push(M(id));
                reference.Add(id);
            }
            else if (roll < 8)
            {
                // Mostly from the front, as confirmations arrive.
                var at = random.Next(4) == 0 ? random.Next(reference.Count) : 0;
                Assert.True(queue.Remove(reference[at]));
                reference.RemoveAt(at);
            }
            else if (roll < 9)
            {
                var picked = reference.Where(_ => random.Next(3) == 0).ToList();
                Assert.Equal(picked.Count, queue.RemoveRange(picked.Append("never queued")));
                reference.RemoveAll(picked.Contains);
            }
            else
            {
                queue.Push(M(reference.Count > 0 ? reference[random.Next(reference.Count)] : "x")); // a duplicate is ignored
                if (reference.Count == 0)
                {
                    reference.Add("x");
                }
            }

            Assert.Equal(reference.Count, queue.Count);
            Assert.Equal(reference.Count > 0, queue.TryPeek(out var first));
            Assert.Equal(reference.FirstOrDefault(), first?.Id);
            if (step % 50 == 0 || reference.Count < 5)
            {
                Assert.Equal(reference, Ids(queue));
                Assert.Equal(reference.Take(3), queue.Pending(3).Select(m => m.Id));
            }

            if (reference.Count > 0)
            {
                var probe = reference[random.Next(reference.Count)];
                Assert.True(queue.TryGet(probe, out var found));
                Assert.Equal(probe, found.Id);
            }
        }
    }
}
