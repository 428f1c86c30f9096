namespace ViewSync;

/// <summary>What happened to a live query's result at one position.</summary>
public enum QueryChangeKind
{
    /// <summary>A row entered the result at <see cref="QueryChange{T}.Index"/>.</summary>
    Added,

    /// <summary>The row at <see cref="QueryChange{T}.Index"/> left the result.</summary>
    Removed,

    /// <summary>
    /// A row moved from <see cref="QueryChange{T}.OldIndex"/> to <see cref="QueryChange{T}.Index"/> (remove at the old
    /// index, then insert at the new one); <see cref="QueryChange{T}.Item"/> is its new value, which may differ from the old.
    /// </summary>
    Moved,

    /// <summary>The row at <see cref="QueryChange{T}.Index"/> has a new value and kept its position.</summary>
    Replaced,

    /// <summary>Too much changed at once to describe row by row: read the whole result again.</summary>
    Reset,
}
