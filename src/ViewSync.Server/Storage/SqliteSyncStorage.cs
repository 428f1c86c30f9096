using System.Text;
using Microsoft.Data.Sqlite;
using ViewSync.Mutators;
using ViewSync.Protocol;

namespace ViewSync.Server.Storage;

/// <summary>
/// Storage in a SQLite file (WAL mode). Each mutation is one transaction covering the scope's state,
/// the log and the applied-id record; readers use their own connections and see committed data only.
/// </summary>
/// <remarks>
/// <para><c>synchronous=FULL</c> by default: a mutation answered <c>ok</c> survives a process kill and a
/// power loss. <see cref="SqliteSyncStorageOptions.Synchronous"/> can relax that to <c>NORMAL</c>, which in
/// WAL mode still survives a process kill.</para>
/// <para><b>On PostgreSQL.</b> The same schema maps directly (<c>bytea</c> for values, <c>bigint</c> for
/// cursors). Take the next cursor from a sequence or the <c>head</c> row under <c>SELECT … FOR UPDATE</c>
/// inside the mutation's transaction so cursors stay gap-free per commit order, run mutations at
/// <c>READ COMMITTED</c> with the head row as the single writer lock, and read pages and snapshots in a
/// <c>REPEATABLE READ</c> transaction so the head and the rows agree.</para>
/// </remarks>
public sealed class SqliteSyncStorage : ISyncStorage
{
    private const int SchemaVersion = 1;
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly StatementCache _statements;

    private SqliteSyncStorage(string connectionString, SqliteConnection writer)
    {
        _connectionString = connectionString;
        _writer = writer;
        _statements = new StatementCache(writer);
    }

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/>, synchronously (for service registration).</summary>
    /// <param name="path">The database file.</param>
    /// <param name="options">Durability settings.</param>
    /// <returns>The storage.</returns>
    /// <exception cref="InvalidDataException">The file holds a schema from a newer ViewSync.</exception>
    public static SqliteSyncStorage Open(string path, SqliteSyncStorageOptions? options = null) =>
        OpenAsync(path, options).GetAwaiter().GetResult();

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="options">Durability settings.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The storage.</returns>
    /// <exception cref="InvalidDataException">The file holds a schema from a newer ViewSync.</exception>
    public static async Task<SqliteSyncStorage> OpenAsync(string path, SqliteSyncStorageOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new SqliteSyncStorageOptions();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(writer, $"""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = {(options.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")};
                PRAGMA busy_timeout = 30000;
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), cursor INTEGER NOT NULL);
                INSERT OR IGNORE INTO head (id, cursor) VALUES (1, 0);
                CREATE TABLE IF NOT EXISTS entities (scope TEXT NOT NULL, entity TEXT NOT NULL, id TEXT NOT NULL, value BLOB NOT NULL,
                    PRIMARY KEY (scope, entity, id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS log (cursor INTEGER PRIMARY KEY, scope TEXT NOT NULL, time TEXT NOT NULL,
                    entity TEXT NOT NULL, id TEXT NOT NULL, op TEXT NOT NULL, value BLOB);
                CREATE INDEX IF NOT EXISTS log_scope ON log (scope, cursor);
                CREATE TABLE IF NOT EXISTS applied (scope TEXT NOT NULL, mutation_id TEXT NOT NULL, ok INTEGER NOT NULL,
                    cursor INTEGER NOT NULL, code TEXT, error TEXT, PRIMARY KEY (scope, mutation_id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS trimmed (scope TEXT PRIMARY KEY, through INTEGER NOT NULL) WITHOUT ROWID;
                INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', {SchemaVersion});
                """, cancellationToken).ConfigureAwait(false);
            var version = await ScalarAsync<long>(writer, "SELECT value FROM meta WHERE key = 'schema_version'", cancellationToken).ConfigureAwait(false);
            if (version > SchemaVersion)
            {
                throw new InvalidDataException($"'{path}' was written by a newer ViewSync (schema {version}; this version reads up to {SchemaVersion}). Upgrade the server.");
            }

            return new SqliteSyncStorage(connectionString, writer);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<StoredResult> ApplyOnceAsync(string scope, string mutationId, Func<IEntityReader, MutationOutcome> run, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            var result = Apply(transaction, scope, mutationId, run, time);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>BEGIN IMMEDIATE</c> … <c>COMMIT</c> for the whole batch, so a batch of 100 waits for the disk once
    /// (one WAL fsync under <c>synchronous=FULL</c>) instead of 100 times; each mutation runs in a savepoint.
    /// </remarks>
    public async Task<IReadOnlyList<StoredResult>> ApplyBatchAsync(IReadOnlyList<PendingMutation> mutations, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mutations);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            var results = new StoredResult[mutations.Count];
            for (var i = 0; i < mutations.Count; i++)
            {
                var (scope, mutationId, run) = mutations[i];
                transaction.Save("m");
                try
                {
                    results[i] = Apply(transaction, scope, mutationId, run, time);
                }
                catch (Exception e) when (e is not (OperationCanceledException or SqliteException))
                {
                    // The mutator (not the database) failed: undo this mutation alone and record its rejection.
                    transaction.Rollback("m");
                    results[i] = Record(transaction, scope, mutationId, new StoredResult(false, 0, ErrorCodes.InternalError, "The mutation failed on the server.", [], false));
                }

                transaction.Release("m");
            }

            cancellationToken.ThrowIfCancellationRequested();
            transaction.Commit();
            return results;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Applies one mutation inside <paramref name="transaction"/>, or answers its recorded result.</summary>
    private StoredResult Apply(SqliteTransaction transaction, string scope, string mutationId, Func<IEntityReader, MutationOutcome> run, DateTimeOffset time)
    {
        var recorded = Recorded(transaction, scope, mutationId);
        if (recorded is not null)
        {
            return recorded;
        }

        var outcome = run(new Reader(_statements, transaction, scope));
        StoredResult result;
        if (!outcome.IsApplied)
        {
            result = new StoredResult(false, 0, outcome.Code, outcome.Error, [], false);
        }
        else
        {
            var head = (ulong)_statements.Scalar<long>(transaction, "SELECT cursor FROM head WHERE id = 1");
            var changes = new List<LogEntry>(outcome.Writes.Count);
            foreach (var write in outcome.Writes)
            {
                var existed = _statements.Scalar<long>(transaction, "SELECT COUNT(*) FROM entities WHERE scope = $scope AND entity = $entity AND id = $id",
                    ("$scope", scope), ("$entity", write.Entity), ("$id", write.Id)) > 0;
                if (write.Json is null && !existed)
                {
                    continue; // deleting what does not exist changes nothing
                }

                byte[]? value = write.Json?.ToArray();
                if (value is not null)
                {
                    _statements.Execute(transaction, "INSERT OR REPLACE INTO entities (scope, entity, id, value) VALUES ($scope, $entity, $id, $value)",
                        ("$scope", scope), ("$entity", write.Entity), ("$id", write.Id), ("$value", value));
                }
                else
                {
                    _statements.Execute(transaction, "DELETE FROM entities WHERE scope = $scope AND entity = $entity AND id = $id",
                        ("$scope", scope), ("$entity", write.Entity), ("$id", write.Id));
                }

                var op = value is null ? EntityChange.Delete : existed ? EntityChange.Update : EntityChange.Create;
                head++;
                _statements.Execute(transaction, "INSERT INTO log (cursor, scope, time, entity, id, op, value) VALUES ($cursor, $scope, $time, $entity, $id, $op, $value)",
                    ("$cursor", (long)head), ("$scope", scope), ("$time", time.UtcDateTime.ToString("O")), ("$entity", write.Entity), ("$id", write.Id),
                    ("$op", op), ("$value", (object?)value ?? DBNull.Value));
                changes.Add(new LogEntry(head, scope, time, write.Entity, write.Id, op, value));
            }

            _statements.Execute(transaction, "UPDATE head SET cursor = $cursor WHERE id = 1", ("$cursor", (long)head));
            result = new StoredResult(true, head, null, null, changes, false);
        }

        return Record(transaction, scope, mutationId, result);
    }

    /// <summary>Records a new result under its mutation id, so replays answer it.</summary>
    private StoredResult Record(SqliteTransaction transaction, string scope, string mutationId, StoredResult result)
    {
        _statements.Execute(transaction, "INSERT INTO applied (scope, mutation_id, ok, cursor, code, error) VALUES ($scope, $id, $ok, $cursor, $code, $error)",
            ("$scope", scope), ("$id", mutationId), ("$ok", result.Ok ? 1 : 0), ("$cursor", (long)result.Cursor),
            ("$code", (object?)result.Code ?? DBNull.Value), ("$error", (object?)result.Error ?? DBNull.Value));
        return result;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="after"/> is 2^63 or more: cursors are stored as signed 64-bit integers.</exception>
    public async Task<LogPage> ReadLogAsync(string scope, ulong after, int limit, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(after, (ulong)long.MaxValue);
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: true);
        var entries = new List<LogEntry>(Math.Min(limit, 1024));
        var hasMore = false;
        using (var command = Command(transaction, "SELECT cursor, time, entity, id, op, value FROM log WHERE scope = $scope AND cursor > $after ORDER BY cursor LIMIT $limit",
            ("$scope", scope), ("$after", (long)after), ("$limit", limit + 1)))
        using (var reader = command.ExecuteReader())
        {
            var bytes = 0L;
            while (reader.Read())
            {
                var size = reader.IsDBNull(5) ? 0 : reader.GetBytes(5, 0, null, 0, 0);
                if (entries.Count == limit || (entries.Count > 0 && bytes + size > maxBytes))
                {
                    hasMore = true;
                    break;
                }

                bytes += size;
                entries.Add(new LogEntry((ulong)reader.GetInt64(0), scope, DateTimeOffset.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : (byte[])reader.GetValue(5)));
            }
        }

        var head = (ulong)Scalar<long>(transaction, "SELECT cursor FROM head WHERE id = 1");
        var trimmed = (ulong)Scalar<long>(transaction, "SELECT COALESCE((SELECT through FROM trimmed WHERE scope = $scope), 0)", ("$scope", scope));
        transaction.Commit();
        return new LogPage(entries, hasMore, head, trimmed);
    }

    /// <inheritdoc />
    public async Task<ulong> ReadStateAsync(string scope, Func<string, string, ReadOnlyMemory<byte>, ValueTask> entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        // One read transaction: the head and the rows are one consistent view, however long the caller takes.
        using var transaction = connection.BeginTransaction(deferred: true);
        var head = (ulong)Scalar<long>(transaction, "SELECT cursor FROM head WHERE id = 1");
        using (var command = Command(transaction, "SELECT entity, id, value FROM entities WHERE scope = $scope ORDER BY entity, id", ("$scope", scope)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                await entity(reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2)).ConfigureAwait(false);
            }
        }

        transaction.Commit();
        return head;
    }

    /// <inheritdoc />
    public async Task<int> TrimAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            var cutoff = ("$before", (object)before.UtcDateTime.ToString("O"));
            Execute(transaction, """
                INSERT INTO trimmed (scope, through)
                SELECT scope, MAX(cursor) FROM log WHERE time < $before GROUP BY scope
                ON CONFLICT (scope) DO UPDATE SET through = MAX(through, excluded.through)
                """, cutoff);
            var removed = Execute(transaction, "DELETE FROM log WHERE time < $before", cutoff);
            transaction.Commit();
            return removed;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _statements.Dispose();
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
            _writeGate.Dispose();
        }
    }

    private StoredResult? Recorded(SqliteTransaction transaction, string scope, string mutationId)
    {
        var command = _statements.Get(transaction, "SELECT ok, cursor, code, error FROM applied WHERE scope = $scope AND mutation_id = $id", ("$scope", scope), ("$id", mutationId));
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new StoredResult(reader.GetInt64(0) != 0, (ulong)reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), [], true)
            : null;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static SqliteCommand Command(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static int Execute(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The writer's statements, each prepared once and reused (SQLite re-parses a statement for every new command):
    /// a mutation runs five to ten of them, so with one commit per batch, preparing was most of a mutation's cost.
    /// Used only under the write gate, like the writer connection itself.
    /// </summary>
    private sealed class StatementCache(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteCommand Get(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                _commands[sql] = command;
            }

            command.Transaction = transaction;
            command.Parameters.Clear();
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return command;
        }

        public int Execute(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters) =>
            Get(transaction, sql, parameters).ExecuteNonQuery();

        public T Scalar<T>(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters) =>
            (T)Convert.ChangeType(Get(transaction, sql, parameters).ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }
        }
    }

    /// <summary>Reads one scope's entities inside the mutation's transaction.</summary>
    private sealed class Reader(StatementCache statements, SqliteTransaction transaction, string scope) : IEntityReader
    {
        public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
        {
            var command = statements.Get(transaction, "SELECT value FROM entities WHERE scope = $scope AND entity = $entity AND id = $id",
                ("$scope", scope), ("$entity", entity), ("$id", id));
            if (command.ExecuteScalar() is byte[] value)
            {
                json = value;
                return true;
            }

            json = default;
            return false;
        }

        public IReadOnlyList<string> Ids(string entity)
        {
            var command = statements.Get(transaction, "SELECT id FROM entities WHERE scope = $scope AND entity = $entity ORDER BY id",
                ("$scope", scope), ("$entity", entity));
            using var reader = command.ExecuteReader();
            var ids = new List<string>();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }
    }
}
