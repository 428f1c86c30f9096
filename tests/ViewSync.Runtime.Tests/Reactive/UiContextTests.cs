using ViewSync.Runtime.Tests.Support;

namespace ViewSync.Runtime.Tests.ReactiveCore;

/// <summary>Issue 12: "already on the effect's context" must hold on a WPF-like thread that uses a new context instance per operation.</summary>
public class UiContextTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_write_on_the_ui_thread_runs_the_effect_before_Set_returns_even_under_a_new_context_instance()
    {
        using var ui = new PerOperationSynchronizationContext();
        var source = new Signal<int>(0);
        var seen = new List<int>();
        SynchronizationContext? captured = null;
        Effect? effect = null;
        await ui.InvokeAsync(() =>
        {
            captured = SynchronizationContext.Current;
            effect = new Effect(() => seen.Add(source.Get()), captured);
        }).WaitAsync(Timeout);

        await ui.InvokeAsync(() =>
        {
            Assert.NotSame(captured, SynchronizationContext.Current);
            source.Set(1);
            Assert.Equal([0, 1], seen); // ran inline, not posted
        }).WaitAsync(Timeout);

        await ui.InvokeAsync(() => effect!.Dispose()).WaitAsync(Timeout);
        Assert.Empty(ui.Unhandled);
    }

    [Fact]
    public async Task An_effect_created_off_the_ui_thread_runs_inline_there_after_its_first_posted_run()
    {
        using var ui = new PerOperationSynchronizationContext();
        var source = new Signal<int>(0);
        var seen = new List<(int Value, int Thread)>();
        var context = ui.CreateCopy();
        using var effect = new Effect(() => seen.Add((source.Get(), Environment.CurrentManagedThreadId)), context);
        await ui.InvokeAsync(() => { }).WaitAsync(Timeout); // the first run was posted there

        await ui.InvokeAsync(() =>
        {
            source.Set(1);
            Assert.Equal(2, seen.Count);
        }).WaitAsync(Timeout);

        Assert.All(seen, s => Assert.Equal(ui.ThreadId, s.Thread));
        Assert.Equal([0, 1], seen.Select(s => s.Value));
    }

    [Fact]
    public async Task A_write_from_another_thread_is_still_posted_to_the_ui_thread()
    {
        using var ui = new PerOperationSynchronizationContext();
        var source = new Signal<int>(0);
        var seen = new List<(int Value, int Thread)>();
        var sawOne = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Effect? effect = null;
        await ui.InvokeAsync(() => effect = new Effect(() =>
        {
            var value = source.Get();
            seen.Add((value, Environment.CurrentManagedThreadId));
            if (value == 1)
            {
                sawOne.TrySetResult();
            }
        }, SynchronizationContext.Current)).WaitAsync(Timeout);

        await Task.Run(() => source.Set(1));
        await sawOne.Task.WaitAsync(Timeout);

        Assert.All(seen, s => Assert.Equal(ui.ThreadId, s.Thread));
        await ui.InvokeAsync(() => effect!.Dispose()).WaitAsync(Timeout);
    }
}
