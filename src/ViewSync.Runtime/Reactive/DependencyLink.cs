namespace ViewSync;

/// <summary>
/// One edge of the dependency graph: <see cref="Source"/> is read by <see cref="Target"/>.
/// </summary>
/// <remarks>
/// A link sits in two intrusive doubly-linked lists at once: the target's list of sources and the
/// source's list of targets. Links survive re-runs: when an observer reads the same sources again
/// its links are reused in place, and a link that is dropped goes back to a free list for the next new
/// dependency, so steady-state updates allocate nothing even when dependencies switch.
/// </remarks>
internal sealed class DependencyLink
{
    /// <summary>Marks a link that the running observer has not (yet) read in this run.</summary>
    public const long Unused = -1;

    public DependencyLink(ReactiveNode source, ReactiveNode target)
    {
        Source = source;
        Target = target;
    }

    public ReactiveNode Source;
    public ReactiveNode Target;

    /// <summary>The source's version that the target last saw, or <see cref="Unused"/>.</summary>
    public long Version;

    public DependencyLink? PrevSource;
    public DependencyLink? NextSource;
    public DependencyLink? PrevTarget;
    public DependencyLink? NextTarget;

    /// <summary>The source's <see cref="ReactiveNode.CurrentLink"/> to restore when the run that replaced it ends.</summary>
    public DependencyLink? Rollback;
}
