using System.ComponentModel;

namespace ViewSync;

/// <summary>
/// The common base of <see cref="Signal{T}"/>, <see cref="Computed{T}"/> and <see cref="Effect"/>.
/// It carries the graph bookkeeping and cannot be derived from outside ViewSync.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ReactiveNode
{
    private protected ReactiveNode()
    {
    }

    // ---- As a source (signal, computed) ----

    /// <summary>Bumped each time the node's value changes; observers compare it with the version they saw.</summary>
    internal long Version;

    /// <summary>Head of the list of subscribed observers.</summary>
    internal DependencyLink? Targets;


    // ---- As an observer (computed, effect) ----

    /// <summary>Head of the list of sources, in the order the last run read them.</summary>
    internal DependencyLink? Sources;

    /// <summary>While the node runs: the last link confirmed by this run (null before its first read); links after it are unconfirmed.</summary>
    internal DependencyLink? SourcesTail;

    internal NodeFlags Flags;

    /// <summary>The observer that was running when this one started, to name a cycle.</summary>
    internal ReactiveNode? RunningParent;

    /// <summary>A name for messages. </summary>
    internal abstract string DisplayName { get; }

    /// <summary>Brings the node's value up to date. Returns <see langword="false"/> when it is running (a cycle).</summary>
    internal virtual bool Refresh() => true;

    /// <summary>Called when a source this node observes (directly or through computeds) may have changed.</summary>
    internal virtual void Notify()
    {
    }

    internal virtual void Subscribe(DependencyLink link)
    {
        if (Targets != link && link.PrevTarget is null)
        {
            if (Targets is { } head)
            {
                link.NextTarget = head;
                head.PrevTarget = link;
            }

            Targets = link;
        }
    }

    internal virtual void Unsubscribe(DependencyLink link)
    {
        if (Targets is null)
        {
            return;
        }

        var prev = link.PrevTarget;
        var next = link.NextTarget;
        if (prev is not null)
        {
            prev.NextTarget = next;
            link.PrevTarget = null;
        }

        if (next is not null)
        {
            next.PrevTarget = prev;
            link.NextTarget = null;
        }

        if (link == Targets)
        {
            Targets = next;
        }
    }

    /// <summary>The number of subscribed observers (for tests and diagnostics).</summary>
    internal int SubscriberCount
    {
        get
        {
            using var scope = ReactiveRuntime.Gate.EnterScope();
            var count = 0;
            for (var link = Targets; link is not null; link = link.NextTarget)
            {
                count++;
            }

            return count;
        }
    }

    /// <summary>The number of sources this observer depends on (for tests and diagnostics).</summary>
    internal int SourceCount
    {
        get
        {
            using var scope = ReactiveRuntime.Gate.EnterScope();
            var count = 0;
            for (var link = Sources; link is not null; link = link.NextSource)
            {
                count++;
            }

            return count;
        }
    }
}
