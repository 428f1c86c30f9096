namespace ViewSync.Store;

/// <summary>
/// Receives, once per store operation, the ids of one entity type whose stored value that operation changed
/// (created, replaced or deleted). Live queries and indexes maintain themselves from it instead of rescanning.
/// </summary>
/// <remarks>
/// Called under the reactive graph's lock, inside the operation's batch (so effects run after every listener
/// has caught up), with tracking suspended. A listener may read the store; a write it makes is delivered
/// after the current delivery round, never re-entrantly.
/// </remarks>
internal interface IStoreChangeListener
{
    /// <summary>Catches up with <paramref name="ids"/>: each distinct id at most once per call, in no particular order.</summary>
    /// <param name="ids">The changed ids of the listened-to entity type.</param>
    void OnChanged(IReadOnlyList<string> ids);
}
