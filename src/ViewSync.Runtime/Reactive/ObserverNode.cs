using System.ComponentModel;

namespace ViewSync;

/// <summary>
/// The common base of <see cref="Computed{T}"/> and <see cref="Effect"/>: the bookkeeping of a node that reads
/// others. It cannot be derived from outside ViewSync.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ObserverNode : ReactiveNode
{
    private protected ObserverNode()
    {
    }

    /// <summary>Head of the list of sources, in the order the last run read them.</summary>
    internal DependencyLink? Sources;

    /// <summary>While the node runs: the last link confirmed by this run (null before its first read); links after it are unconfirmed.</summary>
    internal DependencyLink? SourcesTail;

    /// <summary>Called when a source this node observes (directly or through computeds) may have changed.</summary>
    internal abstract void Notify();

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
