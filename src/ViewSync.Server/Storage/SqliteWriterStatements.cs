using Microsoft.Data.Sqlite;

namespace ViewSync.Server.Storage;

/// <summary>Every statement a mutation runs on the writer connection, each prepared once when the storage opens.</summary>
internal sealed class SqliteWriterStatements(SqliteConnection writer) : IDisposable
{
    public SqliteStatement Savepoint { get; } = new(writer, "SAVEPOINT m");

    public SqliteStatement Release { get; } = new(writer, "RELEASE m");

    public SqliteStatement RollbackTo { get; } = new(writer, "ROLLBACK TO m");

    public SqliteStatement ReadHead { get; } = new(writer, "SELECT cursor FROM head WHERE id = 1");

    /// <summary>1: cursor.</summary>
    public SqliteStatement WriteHead { get; } = new(writer, "UPDATE head SET cursor = ?1 WHERE id = 1");

    /// <summary>1: scope, 2: mutation id → ok, cursor, code, error.</summary>
    public SqliteStatement Recorded { get; } = new(writer, "SELECT ok, cursor, code, error FROM applied WHERE scope = ?1 AND mutation_id = ?2");

    /// <summary>1: scope, 2: mutation id, 3: ok, 4: cursor, 5: code, 6: error.</summary>
    public SqliteStatement Record { get; } = new(writer, "INSERT INTO applied (scope, mutation_id, ok, cursor, code, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

    /// <summary>1: scope, 2: entity, 3: id → value.</summary>
    public SqliteStatement ReadEntity { get; } = new(writer, "SELECT value FROM entities WHERE scope = ?1 AND entity = ?2 AND id = ?3");

    /// <summary>1: scope, 2: entity → id, in order.</summary>
    public SqliteStatement ReadIds { get; } = new(writer, "SELECT id FROM entities WHERE scope = ?1 AND entity = ?2 ORDER BY id");

    /// <summary>1: scope, 2: entity, 3: id, 4: value. Changes no row when the entity exists (then <see cref="UpdateEntity"/>).</summary>
    public SqliteStatement InsertEntity { get; } = new(writer, "INSERT OR IGNORE INTO entities (scope, entity, id, value) VALUES (?1, ?2, ?3, ?4)");

    /// <summary>1: scope, 2: entity, 3: id, 4: value.</summary>
    public SqliteStatement UpdateEntity { get; } = new(writer, "UPDATE entities SET value = ?4 WHERE scope = ?1 AND entity = ?2 AND id = ?3");

    /// <summary>1: scope, 2: entity, 3: id. Changes no row when the entity does not exist.</summary>
    public SqliteStatement DeleteEntity { get; } = new(writer, "DELETE FROM entities WHERE scope = ?1 AND entity = ?2 AND id = ?3");

    /// <summary>1: cursor, 2: scope, 3: time, 4: entity, 5: id, 6: op, 7: value.</summary>
    public SqliteStatement AppendLog { get; } = new(writer, "INSERT INTO log (cursor, scope, time, entity, id, op, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

    public void Dispose()
    {
        foreach (var statement in new[] { Savepoint, Release, RollbackTo, ReadHead, WriteHead, Recorded, Record, ReadEntity, ReadIds, InsertEntity, UpdateEntity, DeleteEntity, AppendLog })
        {
            statement.Dispose();
        }
    }
}
