using System.ComponentModel;

namespace ViewSync;

/// <summary>
/// The common base of <see cref="Signal{T}"/>, <see cref="Computed{T}"/> and <see cref="Effect"/>: a node's
/// bookkeeping as a source that others read (observers add theirs in <see cref="ObserverNode"/>, so a signal does
/// not carry it). It cannot be derived from outside ViewSync.
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


    internal NodeFlags Flags;

    /// <summary>A name for messages. </summary>
    internal abstract string DisplayName { get; }

    /// <summary>Brings the node's value up to date. Returns <see langword="false"/> when it is running (a cycle).</summary>
    internal virtual bool Refresh() => true;

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
            if (next is null)
            {
                Targets = null; // the last subscriber: a literal null needs no GC write barrier
            }
            else
            {
                Targets = next;
            }
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
}
