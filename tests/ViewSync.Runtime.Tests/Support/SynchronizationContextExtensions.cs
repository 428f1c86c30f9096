namespace ViewSync.Runtime.Tests.Support;

/// <summary>Runs test code on a posting-only synchronization context and waits for it.</summary>
internal static class SynchronizationContextExtensions
{
    /// <summary>Posts <paramref name="action"/> to <paramref name="context"/> and completes when it has run (or failed).</summary>
    public static Task InvokeAsync(this SynchronizationContext context, Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Post(_ =>
        {
            try
            {
                action();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }, null);
        return done.Task;
    }
}
