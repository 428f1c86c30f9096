namespace ViewSync.Runtime.Tests.ReactiveCore;

/// <summary>Runs alone: it watches the graph's shared gate, which tests running in parallel would also enter.</summary>
[CollectionDefinition(nameof(BiasHandOffTests), DisableParallelization = true)]
public sealed class BiasHandOffTestGroup;

/// <summary>
/// The graph's gate biased towards a UI-like thread: a write from another thread that arrives while that thread is
/// in the middle of a flush takes the bias away, waits for the flush to end, and is neither lost nor seen half-done.
/// </summary>
[Collection(nameof(BiasHandOffTests))]
public sealed class BiasHandOffTests
{
    private const int Trigger = 1_000_000;

    [Fact]
    public void A_write_from_another_thread_during_the_bias_threads_flush_waits_for_it_and_is_not_lost()
    {
        var gate = ReactiveRuntime.Gate;
        var a = new Signal<int>(0, name: "a");
        var b = new Signal<int>(0, name: "b");
        var seen = new List<(int A, int B)>();
        var writerStarted = new ManualResetEventSlim();
        var writerAtGateDuringFlush = false;
        var writeLandedDuringFlush = false;
        Effect? effect = null;
        var revocationsBefore = 0;
        var biased = false;

        var writer = new Thread(() =>
        {
            writerStarted.Wait();
            Reactive.Batch(() =>
            {
                a.Set(-1);
                b.Set(-1);
            });
        });

        var uiThread = new Thread(() =>
        {
            effect = new Effect(() =>
            {
                var pair = (a.Get(), b.Get());
                seen.Add(pair);
                if (pair.Item1 == Trigger)
                {
                    // Mid-flush on the bias thread: let the writer in, wait until it has withdrawn the bias, then check
                    // that its write did not land while this flush still runs.
                    writerStarted.Set();
                    writerAtGateDuringFlush = SpinWait.SpinUntil(() => gate.Revocations > revocationsBefore, TimeSpan.FromSeconds(10));
                    writeLandedDuringFlush = a.Peek() != Trigger || b.Peek() != 0;
                }
            });

            // Writes by this thread alone earn it the bias (the threshold depends on the hand-offs earlier tests caused).
            for (var v = 1; v < Trigger && !gate.IsBiased; v++)
            {
                a.Set(v);
            }

            revocationsBefore = gate.Revocations;
            biased = gate.IsBiased;
            if (biased)
            {
                a.Set(Trigger);
            }
            else
            {
                writerStarted.Set();
            }
        });

        writer.Start();
        uiThread.Start();
        Assert.True(uiThread.Join(TimeSpan.FromSeconds(30)), "the UI thread's write never finished");
        Assert.True(writer.Join(TimeSpan.FromSeconds(30)), "the writer never got through the gate");
        Assert.True(biased, "the UI thread never got the bias");
        Assert.True(writerAtGateDuringFlush, "the writer never reached the gate while the flush ran");
        Assert.False(writeLandedDuringFlush, "the writer's write landed in the middle of the bias thread's flush");
        Assert.Equal((-1, -1), (a.Peek(), b.Peek()));
        Assert.Equal((-1, -1), seen[^1]);
        Assert.Equal((Trigger, 0), seen[^2]);
        Assert.All(seen, pair => Assert.True(pair.A == -1 ? pair.B == -1 : pair.B == 0, $"the effect saw a half-done write {pair}"));
        effect!.Dispose();
        writerStarted.Dispose();
    }
}
