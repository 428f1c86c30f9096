namespace ViewSync;

/// <summary>The changes one store operation made to a live query's result.</summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class QueryChangedEventArgs<T> : EventArgs
    where T : class
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="changes">The steps, in the order to apply them.</param>
    public QueryChangedEventArgs(IReadOnlyList<QueryChange<T>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        Changes = changes;
    }

    /// <summary>The steps, in the order to apply them; never empty.</summary>
    public IReadOnlyList<QueryChange<T>> Changes { get; }
}
