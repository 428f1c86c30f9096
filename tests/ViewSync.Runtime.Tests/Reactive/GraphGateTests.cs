namespace ViewSync.Runtime.Tests.ReactiveCore;

/// <summary>
/// The graph's lock: exclusive, re-entrant, and a waiter always gets in (also after sleeping through a long
/// hold, and when a release races with a thread going to sleep).
/// </summary>
public sealed class GraphGateTests
{
    [Fact]
    public void Threads_never_hold_it_together_and_lose_no_update()
    {
        var gate = new GraphGate();
        const int Threads = 8;
        const int PerThread = 150_000;
        long counter = 0;
        var inside = 0;
        var overlaps = 0;

        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                using var scope = gate.EnterScope();
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                counter++;   // a plain read-modify-write: loses updates unless the gate excludes
                Interlocked.Decrement(ref inside);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a thread never got through the gate"));

        Assert.Equal(0, overlaps);
        Assert.Equal((long)Threads * PerThread, counter);
    }

    [Fact]
    public void It_is_re_entrant_and_knows_its_holder()
    {
        var gate = new GraphGate();
        Assert.False(gate.IsHeldByCurrentThread);
        using (gate.EnterScope())
        {
            using (gate.EnterScope())
            {
                Assert.True(gate.IsHeldByCurrentThread);
                Assert.False(OnAnotherThread(() => gate.IsHeldByCurrentThread));
            }

            Assert.True(gate.IsHeldByCurrentThread);   // leaving the inner scope kept the outer one
        }

        Assert.False(gate.IsHeldByCurrentThread);
        Assert.True(OnAnotherThread(() =>
        {
            using var scope = gate.EnterScope();
            return gate.IsHeldByCurrentThread;
        }), "another thread could not enter once it was free");
    }

    private static bool OnAnotherThread(Func<bool> check)
    {
        var result = false;
        var thread = new Thread(() => result = check());
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "the other thread did not finish");
        return result;
    }

    [Fact]
    public void A_waiter_that_went_to_sleep_enters_when_a_long_hold_ends()
    {
        var gate = new GraphGate();
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            using var scope = gate.EnterScope();
            holding.Set();
            release.Wait();
        });
        holder.Start();
        holding.Wait();

        var entered = new ManualResetEventSlim();
        var waiter = new Thread(() =>
        {
            using var scope = gate.EnterScope();
            entered.Set();
        });
        waiter.Start();
        Assert.False(entered.Wait(TimeSpan.FromMilliseconds(200)), "the waiter got in while the gate was held");

        release.Set();   // by now the waiter is long past spinning: it sleeps, and the release must wake it
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)), "the sleeping waiter never entered");
        Assert.True(holder.Join(TimeSpan.FromSeconds(10)) && waiter.Join(TimeSpan.FromSeconds(10)));
        entered.Dispose();
    }

    [Fact]
    public void Short_holds_under_heavy_contention_all_finish()
    {
        // Many more threads than cores, each holding the gate briefly: spinners give up and sleep, releases race
        // with threads going to sleep; every thread must still finish.
        var gate = new GraphGate();
        var done = 0;
        var threads = Enumerable.Range(0, 32).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                using var scope = gate.EnterScope();
                Thread.SpinWait(50);
            }

            Interlocked.Increment(ref done);
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a thread was stuck at the gate"));
        Assert.Equal(32, done);
    }

    [Fact]
    public void A_thread_that_enters_alone_gets_the_bias_and_another_thread_takes_it_back()
    {
        var gate = new GraphGate(biasAfter: 8);
        for (var i = 0; i < 8; i++)
        {
            using var scope = gate.EnterScope();
        }

        Assert.True(gate.IsBiased, "eight entries in a row by one thread did not bias the gate");
        using (gate.EnterScope())
        {
            Assert.True(gate.IsHeldByCurrentThread);
            Assert.False(OnAnotherThread(() => gate.IsHeldByCurrentThread));
        }

        Assert.True(OnAnotherThread(() =>
        {
            using var scope = gate.EnterScope();
            return gate.IsHeldByCurrentThread;
        }), "another thread could not enter a biased gate");
        Assert.False(gate.IsBiased);
        Assert.Equal(1, gate.Revocations);
        Assert.False(gate.IsHeldByCurrentThread);
    }

    [Fact]
    public void A_thread_entering_while_the_bias_thread_is_inside_waits_until_it_leaves()
    {
        var gate = new GraphGate(biasAfter: 1);
        using (gate.EnterScope())
        {
        }

        Assert.True(gate.IsBiased);
        var inside = false;
        var sawInside = false;
        var other = new Thread(() =>
        {
            using var scope = gate.EnterScope();
            sawInside = Volatile.Read(ref inside);
        });
        using (gate.EnterScope())
        {
            Volatile.Write(ref inside, true);
            other.Start();

            // The other thread has won the normal path and withdrawn the bias: it now waits for this hold to end.
            Assert.True(SpinWait.SpinUntil(() => gate.Revocations == 1, TimeSpan.FromSeconds(10)), "the other thread never asked for the gate");
            using (gate.EnterScope())
            {
                Assert.True(gate.IsHeldByCurrentThread, "re-entering after the bias was withdrawn lost the hold");
            }

            Volatile.Write(ref inside, false);
        }

        Assert.True(other.Join(TimeSpan.FromSeconds(10)), "the other thread never entered after the bias thread left");
        Assert.False(sawInside);
    }

    [Fact]
    public void The_bias_changing_hands_all_the_time_loses_no_update()
    {
        // A threshold of one that never grows: every thread that enters in normal mode is granted the bias as it
        // leaves, and the next entry by another thread withdraws it, so every hand-off race (an entry racing a
        // revocation, a grant racing an entry, a stale bias thread racing the new one) keeps happening.
        var gate = new GraphGate(biasAfter: 1, maxBiasAfter: 1);
        const int Threads = 4;
        const int WantedHandOffs = 250;
        const int MaxEntriesPerThread = 20_000_000;
        long counter = 0;
        var inside = 0;
        var overlaps = 0;
        var entered = new long[Threads];
        using var start = new Barrier(Threads);

        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            var i = 0;
            for (; i < MaxEntriesPerThread && gate.Revocations < WantedHandOffs; i++)
            {
                using var scope = gate.EnterScope();
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                counter++;   // a plain read-modify-write: loses updates unless the gate excludes
                Interlocked.Decrement(ref inside);
            }

            entered[t] = i;
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a thread never got through the gate"));

        Assert.Equal(0, overlaps);
        Assert.Equal(entered.Sum(), counter);
        Assert.True(gate.Revocations >= WantedHandOffs, $"only {gate.Revocations} hand-offs: the test did not exercise the biased path");
    }
}
