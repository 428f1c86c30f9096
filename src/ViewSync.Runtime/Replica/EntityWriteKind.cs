namespace ViewSync;

/// <summary>Which built-in entity mutation <see cref="Replica.MutateEntity"/> queues.</summary>
internal enum EntityWriteKind
{
    /// <summary><c>{entity}.create</c>: the entity must not exist.</summary>
    Create,

    /// <summary><c>{entity}.update</c>: the entity must exist.</summary>
    Update,

    /// <summary>Update when the entity exists, else create (<see cref="Entity{T}.Set"/>), decided under the lock.</summary>
    Set,

    /// <summary><c>{entity}.delete</c>.</summary>
    Delete,
}
