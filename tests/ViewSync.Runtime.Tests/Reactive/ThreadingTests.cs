
namespace ViewSync.Runtime.Tests.ReactiveCore;

public class ThreadingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const int Threads = 8;

    [Fact]
    public async Task Concurrent_updates_lose_nothing_and_effects_see_a_consistent_graph()
    {
        const int perThread = 5_000;
        var counter = new Signal<int>(0);
        var doubled = new Computed<int>(() => counter.Get() * 2);
        var runs = 0;
        var inconsistent = 0;
        var last = 0;
        using var effect = new Effect(() =>
        {
            var value = counter.Get();
            if (doubled.Get() != value * 2)
            {
                inconsistent++;
            }

            last = value;
            runs++;
        });

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < perThread; i++)
            {
                counter.Update(v => v + 1);
            }
        }))).WaitAsync(Deadline);

        Assert.Equal(Threads * perThread, counter.Peek());
        Assert.Equal(Threads * perThread, last);
        Assert.Equal(Threads * perThread + 1, runs);
        Assert.Equal(0, inconsistent);
    }

    [Fact]
    public async Task Batches_from_many_threads_are_atomic_for_readers_and_effects()
    {
        const int perThread = 2_000;
        var a = new Signal<int>(50);
        var b = new Signal<int>(50);
        var sum = new Computed<int>(() => a.Get() + b.Get());
        var brokenInEffect = 0;
        var brokenInReader = 0;
        using var effect = new Effect(() =>
        {
            if (sum.Get() != 100)
            {
                brokenInEffect++;
            }
        });

        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (sum.Get() != 100)
                {
                    Interlocked.Increment(ref brokenInReader);
                }
            }
        })).ToArray();

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(seed => Task.Run(() =>
        {
            var random = new Random(seed);
            for (var i = 0; i < perThread; i++)
            {
                var x = random.Next(0, 101);
                Reactive.Batch(() =>
                {
                    a.Set(x);
                    b.Set(100 - x);
                });
            }
        }))).WaitAsync(Deadline);
        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(Deadline);

        Assert.Equal(0, brokenInEffect);
        Assert.Equal(0, brokenInReader);
        Assert.Equal(100, sum.Get());
    }

    [Fact]
    public async Task Creating_and_disposing_effects_concurrently_with_writes_keeps_the_graph_intact()
    {
        var source = new Signal<int>(0);
        var shared = new Computed<int>(() => source.Get() + 1);
        var kept = new System.Collections.Concurrent.ConcurrentBag<Effect>();

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                var effect = new Effect(() => shared.Get());
                if (i % 10 == 0)
                {
                    kept.Add(effect);
                }
                else
                {
                    effect.Dispose();
                }

                if (t % 2 == 0)
                {
                    source.Update(v => v + 1);
                }
            }
        }))).WaitAsync(Deadline);

        Assert.Equal(kept.Count, shared.SubscriberCount);
        Assert.Equal(1, source.SubscriberCount);
        foreach (var effect in kept)
        {
            effect.Dispose();
        }

        Assert.Equal(0, source.SubscriberCount);
        Assert.Equal(source.Peek() + 1, shared.Get());
    }
}
