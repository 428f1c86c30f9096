namespace ViewSync.Runtime.Tests.ReactiveCore;

/// <summary>
/// Reads from outside the graph skip the lock when the value cannot tear. These tests race such reads against
/// writes on another thread and check that a read never returns a torn value, and never a value older than a
/// write that had completed before the read started.
/// </summary>
public sealed class LockFreeReadTests
{
    private const int Writes = 200_000;

    [Fact]
    public async Task A_computed_read_without_the_lock_is_never_older_than_a_completed_write()
    {
        var source = new Signal<long>(0);
        var doubled = new Computed<long>(() => source.Get() * 2);
        long completed = 0;
        using var stop = new CancellationTokenSource();
        using var started = new CountdownEvent(2);

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var checks = 0L;
            started.Signal();
            while (!stop.IsCancellationRequested)
            {
                var floor = Volatile.Read(ref completed);
                var seen = doubled.Get();
                var direct = source.Get();
                Assert.True(seen % 2 == 0, $"the computed holds {seen}, which no write produced");
                Assert.True(seen >= 2 * floor, $"the computed said {seen} after the write of {floor} had returned");
                Assert.True(direct >= floor, $"the signal said {direct} after the write of {floor} had returned");
                checks++;
            }

            return checks;
        })).ToArray();

        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the readers did not start");
        for (var i = 1L; i <= Writes; i++)
        {
            source.Set(i);
            Volatile.Write(ref completed, i);
        }

        await stop.CancelAsync();
        var checks = await Task.WhenAll(readers);
        Assert.All(checks, c => Assert.True(c > 0));
        Assert.Equal(2 * Writes, doubled.Get());
    }

    [Fact]
    public async Task A_wide_value_is_never_seen_torn()
    {
        var source = new Signal<Quad>(new Quad(0, 0, 0, 0));
        var mirrored = new Computed<Quad>(() => source.Get());
        using var stop = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();

        var reader = Task.Run(() =>
        {
            var checks = 0L;
            started.Set();
            while (!stop.IsCancellationRequested)
            {
                foreach (var value in new[] { source.Get(), source.Peek(), mirrored.Get() })
                {
                    Assert.True(value.A == value.B && value.B == value.C && value.C == value.D, $"torn value {value}");
                }

                checks++;
            }

            return checks;
        });

        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the reader did not start");
        for (var i = 1L; i <= Writes / 4; i++)
        {
            source.Set(new Quad(i, i, i, i));
        }

        await stop.CancelAsync();
        Assert.True(await reader > 0);
    }

    private readonly record struct Quad(long A, long B, long C, long D);
}
