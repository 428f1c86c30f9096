using System.Diagnostics;
using ViewSync.Runtime.Tests.Support;

namespace ViewSync.Runtime.Tests.ReactiveCore;

/// <summary>
/// Issue 12: writers on several threads and readers with effects on a UI-like single-threaded context,
/// over a million operations: no effect ever sees an inconsistent pair, and no update is lost.
/// </summary>
public class ConcurrencyStressTests
{
    private const int Writers = 3;
    private const int BatchesPerWriter = 120_000; // each batch is a read and two writes: 1,080,000 signal operations
    private const int ReaderSnapshots = 100_000;

    [Fact]
    public async Task Writers_on_many_threads_and_effects_on_a_ui_context_see_no_glitch_and_lose_no_update()
    {
        using var ui = new SingleThreadSynchronizationContext();
        var a = new Signal<long>(0, name: "a");
        var b = new Signal<long>(0, name: "b");
        var sum = new Computed<long>(() => a.Get() + b.Get(), name: "sum");
        var glitches = 0L;
        var backwards = 0L;
        var uiRuns = 0L;
        var uiLast = 0L;
        var inlineLast = 0L;
        var readerSnapshots = 0L;

        // A UI view: an effect on the context that owns a child effect per "page" of values.
        Effect? view = null;
        await ui.InvokeAsync(() => view = new Effect(() =>
        {
            var (x, y, s) = (a.Get(), b.Get(), sum.Get());
            if (x != y || s != x + y)
            {
                glitches++;
            }

            if (x < uiLast)
            {
                backwards++;
            }

            uiLast = x;
            uiRuns++;
            var page = x / 10_000;
            _ = new Effect(() =>
            {
                if (a.Get() / 10_000 != page && b.Get() != a.Get())
                {
                    glitches++;
                }
            }, ui);
        }, ui, name: "ui view"));

        // A context-free effect runs on whichever writer thread completes the write.
        using var inline = new Effect(() =>
        {
            var (x, y) = (a.Get(), b.Get());
            if (x != y || sum.Get() != 2 * x)
            {
                Interlocked.Increment(ref glitches);
            }

            if (x < Volatile.Read(ref inlineLast))
            {
                Interlocked.Increment(ref backwards);
            }

            Volatile.Write(ref inlineLast, x);
        }, name: "inline");

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested || readerSnapshots < ReaderSnapshots)
            {
                var (x, y) = Reactive.Batch(() => (a.Peek(), b.Peek()));
                if (x != y)
                {
                    Interlocked.Increment(ref glitches);
                }

                readerSnapshots++;
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < BatchesPerWriter; i++)
            {
                Reactive.Batch(() =>
                {
                    var next = a.Peek() + 1;
                    a.Set(next);
                    b.Set(next);
                });
            }
        })));
        await stop.CancelAsync();
        await reader;
        await ui.InvokeAsync(() => { }); // the last posted run has happened
        await ui.InvokeAsync(() => view!.Dispose());
        clock.Stop();

        const long total = (long)Writers * BatchesPerWriter;
        Assert.Equal(total, a.Peek());
        Assert.Equal(total, b.Peek());
        Assert.Equal(total, uiLast);
        Assert.Equal(total, Volatile.Read(ref inlineLast));
        Assert.Equal(0, glitches);
        Assert.Equal(0, backwards);
        Assert.InRange(uiRuns, 2, total + 1);
        Assert.Empty(ui.Unhandled);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"The stress run took {clock.Elapsed}.");
    }
}
