using System.Runtime.CompilerServices;

namespace ViewSync;

/// <summary>
/// Answers "is this thread already the one that <paramref>context</paramref> runs on?" for UI
/// synchronization contexts, which are bound to one thread but not always one instance.
/// </summary>
/// <remarks>
/// WPF installs a new <c>DispatcherSynchronizationContext</c> for each dispatcher operation, so the
/// context an app captured (<c>SynchronizationContext.Current</c> in a constructor, say) is usually not
/// the instance that is current later on the same UI thread. A reference comparison would then post
/// every run, and "effects run before <c>Set</c> returns" would silently not hold on the UI thread.
/// Instead, the thread of each context is learned when code is seen running under it (the context is
/// current, or a callback ViewSync posted to it is running), and the calling thread is on the context
/// when it is that thread and its current context is of the same type. This fits every single-threaded
/// UI context (WPF, WinForms, Avalonia, MAUI, Blazor WebAssembly); a context that runs callbacks on
/// several threads is only ever recognised by reference.
/// </remarks>
internal static class ContextAffinity
{
    private static readonly ConditionalWeakTable<SynchronizationContext, StrongBox<int>> s_threads = new();

    /// <summary>Whether the calling thread is <paramref name="context"/>'s thread, so work for it can run inline.</summary>
    public static bool IsCurrent(SynchronizationContext context)
    {
        var current = SynchronizationContext.Current;
        if (current is null)
        {
            return false;
        }

        if (current == context)
        {
            if (!s_threads.TryGetValue(context, out _))
            {
                Learn(context);
            }

            return true;
        }

        return current.GetType() == context.GetType()
            && s_threads.TryGetValue(context, out var thread)
            && Volatile.Read(ref thread.Value) == Environment.CurrentManagedThreadId;
    }

    /// <summary>Records the calling thread as <paramref name="context"/>'s: call it from a callback that was posted to the context.</summary>
    public static void Learn(SynchronizationContext context)
    {
        var thread = s_threads.GetValue(context, static _ => new StrongBox<int>());
        Volatile.Write(ref thread.Value, Environment.CurrentManagedThreadId);
    }
}
