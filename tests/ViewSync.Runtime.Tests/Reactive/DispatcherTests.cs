using ViewSync.Runtime.Tests.Support;

namespace ViewSync.Runtime.Tests.ReactiveCore;

public class DispatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_effect_with_a_context_runs_there_even_when_another_thread_writes()
    {
        using var ui = new SingleThreadSynchronizationContext();
        var source = new Signal<int>(0);
        var runs = new List<(int Value, int Thread)>();
        var sawThree = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var effect = new Effect(() =>
        {
            var value = source.Get();
            runs.Add((value, Environment.CurrentManagedThreadId));
            if (value == 3)
            {
                sawThree.TrySetResult();
            }
        }, ui);

        await Task.Run(() => source.Set(3));
        await sawThree.Task.WaitAsync(Timeout);

        Assert.All(runs, run => Assert.Equal(ui.ThreadId, run.Thread));
        Assert.Equal(3, runs[^1].Value);
        Assert.Empty(ui.Unhandled);
    }

    [Fact]
    public async Task Changes_made_before_the_context_gets_to_run_coalesce_into_one_run()
    {
        using var ui = new SingleThreadSynchronizationContext();
        var source = new Signal<int>(0);
        var seen = new List<int>();
        Effect? effect = null;
        await ui.InvokeAsync(() => effect = new Effect(() => seen.Add(source.Get()), ui));

        using var gate = new ManualResetEventSlim();
        ui.Post(_ => gate.Wait(), null); // keep the UI thread busy
        for (var i = 1; i <= 5; i++)
        {
            source.Set(i);
        }

        gate.Set();
        await ui.InvokeAsync(() => { }); // everything posted before this has run

        Assert.Equal([0, 5], seen);
        effect!.Dispose();
    }

    [Fact]
    public async Task A_disposed_effect_does_not_run_a_posted_run()
    {
        using var ui = new SingleThreadSynchronizationContext();
        var source = new Signal<int>(0);
        var seen = new List<int>();
        Effect? effect = null;
        await ui.InvokeAsync(() => effect = new Effect(() => seen.Add(source.Get()), ui));

        using var gate = new ManualResetEventSlim();
        ui.Post(_ => gate.Wait(), null);
        source.Set(1);
        effect!.Dispose();
        gate.Set();
        await ui.InvokeAsync(() => { });

        Assert.Equal([0], seen);
    }

    [Fact]
    public async Task An_effect_without_a_context_runs_on_the_writing_thread()
    {
        var source = new Signal<int>(0);
        var threads = new List<int>();
        using var effect = new Effect(() => { source.Get(); threads.Add(Environment.CurrentManagedThreadId); });

        var writer = await Task.Run(() =>
        {
            source.Set(1);
            return Environment.CurrentManagedThreadId;
        });

        Assert.Equal(writer, threads[^1]);
    }
}
