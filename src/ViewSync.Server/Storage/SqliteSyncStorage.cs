using System.Text;
using Microsoft.Data.Sqlite;
using ViewSync.Mutators;
using ViewSync.Protocol;

namespace ViewSync.Server.Storage;

/// <summary>
/// Storage in a SQLite file (WAL mode). A push batch is one transaction (<see cref="ApplyBatchAsync"/>, a savepoint
/// per mutation) covering the scopes' state, the log and the applied-id records; one writer connection runs every
/// write through statements prepared once (<see cref="SqliteWriterStatements"/>); readers use their own connections
/// and see committed data only.
/// </summary>
/// <remarks>
/// <para><c>synchronous=FULL</c> by default: a mutation answered <c>ok</c> survives a process kill and a
/// power loss. <see cref="SqliteSyncStorageOptions.Synchronous"/> can relax that to <c>NORMAL</c>, which in
/// WAL mode still survives a process kill.</para>
/// <para>Several processes may share one file: <c>BEGIN IMMEDIATE</c> takes SQLite's single writer lock before
/// the log head is read, so cursors follow commit order. PostgreSQL storage lives in <c>ViewSync.Server.PostgreSql</c>.</para>
/// </remarks>
public sealed class SqliteSyncStorage : ISyncStorage
{
    private const int SchemaVersion = 1;
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SqliteWriterStatements _statements;

    private SqliteSyncStorage(string connectionString, SqliteConnection writer)
    {
        _connectionString = connectionString;
        _writer = writer;
        _statements = new SqliteWriterStatements(writer);
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
                PRAGMA temp_store = MEMORY; -- a savepoint's sub-journal stays in memory, not in a temp file per batch
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
            var batch = new Batch(_statements, time);
            var result = Apply(batch, scope, mutationId, run);
            batch.WriteHead();
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
            var batch = new Batch(_statements, time);
            var results = new StoredResult[mutations.Count];
            for (var i = 0; i < mutations.Count; i++)
            {
                var (scope, mutationId, run) = mutations[i];
                _statements.Savepoint.Start().Execute();
                try
                {
                    results[i] = Apply(batch, scope, mutationId, run);
                }
                catch (Exception e) when (e is not (OperationCanceledException or SqliteException))
                {
                    // The mutator (not the database) failed: undo this mutation alone and record its rejection.
                    _statements.RollbackTo.Start().Execute();
                    results[i] = Record(scope, mutationId, new StoredResult(false, 0, ErrorCodes.InternalError, "The mutation failed on the server.", [], false));
                }

                _statements.Release.Start().Execute();
            }

            cancellationToken.ThrowIfCancellationRequested();
            batch.WriteHead();
            transaction.Commit();
            return results;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Applies one mutation inside the open transaction, or answers its recorded result.</summary>
    private StoredResult Apply(Batch batch, string scope, string mutationId, Func<IEntityReader, MutationOutcome> run)
    {
        var recorded = Recorded(scope, mutationId);
        if (recorded is not null)
        {
            return recorded;
        }

        var outcome = run(new Reader(_statements, scope));
        StoredResult result;
        if (!outcome.IsApplied)
        {
            result = new StoredResult(false, 0, outcome.Code, outcome.Error, [], false);
        }
        else
        {
            var changes = new List<LogEntry>(outcome.Writes.Count);
            foreach (var write in outcome.Writes)
            {
                byte[]? value = write.Json?.ToArray();
                string op;
                if (value is null)
                {
                    if (_statements.DeleteEntity.Start().Bind(1, scope).Bind(2, write.Entity).Bind(3, write.Id).Execute() == 0)
                    {
                        continue; // deleting what does not exist changes nothing
                    }

                    op = EntityChange.Delete;
                }
                else if (_statements.InsertEntity.Start().Bind(1, scope).Bind(2, write.Entity).Bind(3, write.Id).Bind(4, value).Execute() == 1)
                {
                    op = EntityChange.Create;
                }
                else
                {
                    _statements.UpdateEntity.Start().Bind(1, scope).Bind(2, write.Entity).Bind(3, write.Id).Bind(4, value).Execute();
                    op = EntityChange.Update;
                }

                var cursor = ++batch.Head;
                _statements.AppendLog.Start().Bind(1, (long)cursor).Bind(2, scope).Bind(3, batch.TimeText).Bind(4, write.Entity).Bind(5, write.Id)
                    .Bind(6, op).Bind(7, value).Execute();
                changes.Add(new LogEntry(cursor, scope, batch.Time, write.Entity, write.Id, op, value));
            }

            result = new StoredResult(true, batch.Head, null, null, changes, false);
        }

        return Record(scope, mutationId, result);
    }

    /// <summary>Records a new result under its mutation id, so replays answer it.</summary>
    private StoredResult Record(string scope, string mutationId, StoredResult result)
    {
        _statements.Record.Start().Bind(1, scope).Bind(2, mutationId).Bind(3, result.Ok ? 1 : 0).Bind(4, (long)result.Cursor)
            .BindOrNull(5, result.Code).BindOrNull(6, result.Error).Execute();
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

    private StoredResult? Recorded(string scope, string mutationId)
    {
        var recorded = _statements.Recorded.Start().Bind(1, scope).Bind(2, mutationId);
        try
        {
            return recorded.Read()
                ? new StoredResult(recorded.Int64(0) != 0, (ulong)recorded.Int64(1), recorded.Text(2), recorded.Text(3), [], true)
                : null;
        }
        finally
        {
            recorded.Finish();
        }
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

    /// <summary>One write transaction's log head (read once, written once) and time.</summary>
    private sealed class Batch
    {
        private readonly SqliteWriterStatements _statements;
        private readonly ulong _start;

        public Batch(SqliteWriterStatements statements, DateTimeOffset time)
        {
            _statements = statements;
            Time = time;
            TimeText = time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            var head = statements.ReadHead.Start();
            _start = head.Read() ? (ulong)head.Int64(0) : throw new InvalidDataException("The head row of the sync database is missing.");
            head.Finish();
            Head = _start;
        }

        public ulong Head { get; set; }

        public DateTimeOffset Time { get; }

        public string TimeText { get; }

        public void WriteHead()
        {
            if (Head != _start)
            {
                _statements.WriteHead.Start().Bind(1, (long)Head).Execute();
            }
        }
    }

    /// <summary>Reads one scope's entities inside the mutation's transaction.</summary>
    private sealed class Reader(SqliteWriterStatements statements, string scope) : IEntityReader
    {
        public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
        {
            var read = statements.ReadEntity.Start().Bind(1, scope).Bind(2, entity).Bind(3, id);
            try
            {
                if (read.Read())
                {
                    json = read.Blob(0) ?? [];
                    return true;
                }

                json = default;
                return false;
            }
            finally
            {
                read.Finish();
            }
        }

        public IReadOnlyList<string> Ids(string entity)
        {
            var read = statements.ReadIds.Start().Bind(1, scope).Bind(2, entity);
            var ids = new List<string>();
            try
            {
                while (read.Read())
                {
                    ids.Add(read.Text(0)!);
                }
            }
            finally
            {
                read.Finish();
            }

            return ids;
        }
    }
}
