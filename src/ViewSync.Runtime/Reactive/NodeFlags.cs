namespace ViewSync;

/// <summary>State bits of a reactive node. Flags replace per-notification sets: a node is marked, never collected.</summary>
[Flags]
internal enum NodeFlags
{
    None = 0,

    /// <summary>The node's function is executing; reading it again now is a cycle.</summary>
    Running = 1 << 0,

    /// <summary>The node was reached by the current propagation; do not walk it again.</summary>
    Notified = 1 << 1,

    /// <summary>A source may have changed since the node last computed.</summary>
    Outdated = 1 << 2,

    /// <summary>The effect was disposed.</summary>
    Disposed = 1 << 3,

    /// <summary>The computed's last run threw; the exception is its value until a source changes.</summary>
    HasError = 1 << 4,

    /// <summary>The node is subscribed to its sources (an effect, or a computed that has subscribers).</summary>
    Tracking = 1 << 5,

    /// <summary>The effect has been posted to its synchronization context and has not run yet.</summary>
    Scheduled = 1 << 6,

    /// <summary>The effect has run at least once.</summary>
    HasRun = 1 << 7,

    /// <summary>The effect's function returns a cleanup (it is a <c>Func&lt;Action?&gt;</c>, not an <c>Action</c>).</summary>
    ReturnsCleanup = 1 << 8,
}
