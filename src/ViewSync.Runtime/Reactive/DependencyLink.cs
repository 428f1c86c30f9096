namespace ViewSync;

/// <summary>
/// One edge of the dependency graph: <see cref="Source"/> is read by <see cref="Target"/>.
/// </summary>
/// <remarks>
/// A link sits in two intrusive doubly-linked lists at once: the target's list of sources and the
/// source's list of targets. Links survive re-runs: when an observer reads the same sources again
/// its links are reused in place (a run confirms them in order with a cursor), and a link that is dropped goes back to a free list for the next new
/// dependency, so steady-state updates allocate nothing even when dependencies switch.
/// </remarks>
internal sealed class DependencyLink
{
    public DependencyLink(ReactiveNode source, ObserverNode target)
    {
        Source = source;
        Target = target;
    }

    public ReactiveNode Source;
    public ObserverNode Target;

    /// <summary>The source's version that the target last saw.</summary>
    public long Version;

    public DependencyLink? PrevSource;
    public DependencyLink? NextSource;
    public DependencyLink? PrevTarget;
    public DependencyLink? NextTarget;
}
