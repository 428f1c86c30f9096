namespace ViewSync;

/// <summary>
/// One step that turns a live query's previous result into its next one. Applying a batch's steps in order to a
/// copy of the previous result (insert, remove-at, move, replace, or reload on <see cref="QueryChangeKind.Reset"/>)
/// gives exactly the new result.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
/// <param name="Kind">What happened.</param>
/// <param name="Id">The row's entity id; null for <see cref="QueryChangeKind.Reset"/>.</param>
/// <param name="Item">The row's value (its new value for <see cref="QueryChangeKind.Moved"/> and <see cref="QueryChangeKind.Replaced"/>, its last value for <see cref="QueryChangeKind.Removed"/>); null for a reset.</param>
/// <param name="Index">The position in the result (for a move, the position after it); -1 for a reset.</param>
/// <param name="OldIndex">For <see cref="QueryChangeKind.Moved"/>, the position before the move; otherwise <paramref name="Index"/>.</param>
public readonly record struct QueryChange<T>(QueryChangeKind Kind, string? Id, T? Item, int Index, int OldIndex)
    where T : class;
